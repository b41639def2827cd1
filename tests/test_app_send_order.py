"""The order in which a rerun hands the page's elements to the browser: what an edit changes goes first.

Streamlit's page takes the elements one message at a time, in the order the script sent them; on this 2-core
machine that took 150-300 ms for the ~150 elements of a rerun, so an element sent late is drawn late."""
import pytest
from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

from tests.apptest_helpers import app, open_gallery

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir")]  # a whole-page AppTest run


def test_the_canvas_and_the_inspector_go_out_before_the_lessons_gallery(monkeypatch):
    sent = []
    enqueue = ScriptRunContext.enqueue

    def noted(self, msg):
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            kind = element.WhichOneof("type")
            proto = getattr(element, kind)
            sent.append((kind, getattr(proto, "id", "") or getattr(proto, "body", "")))
        return enqueue(self, msg)

    monkeypatch.setattr(ScriptRunContext, "enqueue", noted)
    at = app()
    assert not any("preset_" in wid for kind, wid in sent if kind == "button"), "a closed gallery sends none"
    sent.clear()
    open_gallery(at)
    assert at.button(key="preset_simplenet_digits"), "the gallery is still on the page"
    canvas = next(i for i, (kind, _) in enumerate(sent) if kind == "bidi_component")
    inspector = next(i for i, (kind, text) in enumerate(sent) if kind == "markdown" and "Select a layer" in text)
    gallery = [i for i, (kind, wid) in enumerate(sent) if kind == "button" and "preset_" in wid]
    assert gallery and canvas < inspector < min(gallery), (canvas, inspector, gallery[:3])
