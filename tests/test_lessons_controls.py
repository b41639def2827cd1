"""Every lesson's "Try this" steps name, in **bold**, controls that exist on the page, in the page's own words."""
import re

import pytest

import presets
from tests.apptest_helpers import app, open_gallery

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir")]
HEAD = {"en": "**Try this.**", "zh": "**动手试试。**"}
JARGON = ("dataset_options", "training.", "params.")  # file-format paths are not what the page shows


def steps(body: str, lang: str) -> str:
    assert HEAD[lang] in body
    return body[body.index(HEAD[lang]) + len(HEAD[lang]):]


def labels(at) -> set[str]:
    """Every control label on the page as drawn: buttons, inputs, choices, and the view names."""
    found = set()
    for kind in ("button", "number_input", "selectbox", "text_input", "checkbox", "multiselect", "toggle",
                 "radio", "slider"):
        found |= {str(w.label) for w in getattr(at, kind)}
    for group in at.get("button_group"):
        found |= {o.content for o in group.proto.options}
    return found


def page_labels(at, name: str, nodes: list[str]) -> set[str]:
    found = set()
    for lang in ("en", "zh"):
        at.session_state["lang"] = lang
        for view in ("Train", "Lesson"):
            at.session_state["main_tab"] = view
            at.run()
            assert not at.exception, (name, [e.message for e in at.exception])
            found |= labels(at)
    for node in nodes:  # the inspector of each layer the steps point to
        at.session_state["selected_node"] = node
        at.run()
        found |= labels(at)
    return found


def test_every_try_this_step_names_controls_that_exist_on_the_page():
    at = open_gallery(app())
    missing = {}
    for info in presets.list_presets():
        at.button(key=f"preset_{info.name}").click().run()
        project = at.session_state["project"]
        sections = {lang: steps(project["lesson"][lang]["body"], lang) for lang in ("en", "zh")}
        ids = {n["id"] for n in project["graph"]["nodes"]}
        pointed = sorted({m for s in sections.values() for m in re.findall(r"`([^`]+)`", s) if m in ids})
        first_layer = project["graph"]["nodes"][1]["id"]
        shown = page_labels(at, info.name, pointed or [first_layer])
        for lang, text in sections.items():
            assert not any(j in text for j in JARGON), (info.name, lang, text)
            for term in re.findall(r"\*\*(.+?)\*\*", text):
                if term not in shown:
                    missing.setdefault(info.name, []).append(f"{lang}: {term}")
        at.session_state["selected_node"] = None
    assert not missing, missing
