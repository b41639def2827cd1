"""The page with one number per sample (a Reshape to []): the inspector, the summary and the agreement read it as
"[] (one number)" in English and "[]（一个数）" in Chinese; its shape box shows [] and takes [] back."""
import pytest

from tests.apptest_helpers import app, inject
from tests.graph_factory import make_project

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir")]  # each AppTest run draws the whole page

BINARY = make_project([("in", "Input", {"shape": [30]}), ("fc", "Linear", {"out_features": 1}),
                       ("one", "Reshape", {"shape": []})],
                      training={"dataset": "breast_cancer", "loss": "BCEWithLogitsLoss"})


def _shown(at) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "error") for e in getattr(at, kind))


@pytest.mark.parametrize("lang, one", [("en", "[] (one number)"), ("zh", "[]（一个数）")])
def test_one_number_per_sample_reads_as_such(lang, one):
    at = inject(app(lang=lang), BINARY, selected_node="one")
    shown = _shown(at)
    assert f"**{one}**" in shown and f" {one}" in shown, shown  # the inspector's output, the summary's caption
    assert not at.error and not at.button(key="btn_train").disabled
    box = next(t for t in at.text_input if t.label == "shape")
    assert box.value == "[]"
    box.set_value("[]").run()
    assert not at.exception and at.session_state["project"]["graph"]["nodes"][2]["params"]["shape"] == []
    wrong = inject(at, {**BINARY, "training": {"dataset": "breast_cancer", "loss": "CrossEntropyLoss"}})
    assert any(one in str(e.value) and "CrossEntropyLoss" in str(e.value) for e in wrong.error), _shown(wrong)
