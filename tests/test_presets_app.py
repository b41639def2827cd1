"""Every preset opens from the gallery in one click and its lesson shows in English and Chinese (AppTest)."""
import pytest
from streamlit.testing.v1 import AppTest

import builder
import presets

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir")]  # one AppTest page, re-run three times per preset


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_every_preset_opens_and_teaches_in_both_languages():
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state["main_tab"] = "Lesson"
    at.session_state["gallery_open"] = True  # "Lessons & examples" opened: its cards are drawn only then
    rerun(at)
    for info in presets.list_presets():
        expected = presets.load_preset(info.name)
        at.session_state["lang"] = "en"
        at.button(key=f"preset_{info.name}").click()
        rerun(at)
        project = at.session_state["project"]
        assert project["name"] == expected["name"] and project["lesson"] == expected["lesson"]
        assert builder.check(builder.load_project(project)).ok, info.name  # as laid out by the app
        shown = [m.value for m in at.markdown]
        assert expected["lesson"]["en"]["body"] in shown, info.name
        assert at.subheader[0].value == expected["lesson"]["en"]["title"]
        at.session_state["lang"] = "zh"
        rerun(at)
        assert expected["lesson"]["zh"]["body"] in [m.value for m in at.markdown], info.name
        assert at.subheader[0].value == expected["lesson"]["zh"]["title"]
