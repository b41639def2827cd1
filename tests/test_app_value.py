"""The page holds one checked project and its history: read-only, changed only by operations, undone by value."""
import copy

import pytest

from tests.apptest_helpers import app, inject
from ui.canvas import event_state

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir")]  # whole-page AppTest runs


def current(at):
    return at.session_state["checked_project"]


def history(at):
    return at.session_state["history"]


def canvas_event(at, graph, action=None):
    at.session_state["canvas"] = event_state(graph, revision=at.session_state["canvas_revision"], action=action)
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_the_project_in_the_session_is_read_only_and_is_the_checked_value(seed_mlp):
    at = inject(app(), seed_mlp)
    project = at.session_state["project"]
    assert project is current(at).doc and current(at).ok
    for write in (lambda: project["training"].update(epochs=1), lambda: project["graph"]["nodes"].pop(),
                  lambda: project["graph"]["nodes"][1]["params"].__setitem__("out_features", 3),
                  lambda: project.__setitem__("name", "x")):
        with pytest.raises(TypeError, match="read-only"):
            write()


def test_no_view_writes_a_value_in_place_and_every_step_can_be_undone(seed_mlp):
    """Edits from the inspector, the settings, the canvas and a fix: each a new value; the ones before, kept in
    the history, are exactly as they were, and Undo brings them back one by one."""
    at = inject(app(), seed_mlp, selected_node="fc1", main_tab="Train")
    seen = [(current(at), copy.deepcopy(at.session_state["project"]))]

    def step(action):
        action()
        assert not at.exception, [e.message for e in at.exception]
        seen.append((current(at), copy.deepcopy(at.session_state["project"])))

    step(lambda: next(n for n in at.number_input if n.label == "out_features").set_value(48).run())
    step(lambda: next(n for n in at.number_input if n.label == "Epochs").set_value(3).run())
    graph = copy.deepcopy(at.session_state["project"]["graph"])
    graph["nodes"] = [n for n in graph["nodes"] if n["id"] != "relu2"]
    graph["edges"] = [e for e in graph["edges"] if "relu2" not in (e["source"], e["target"])]
    step(lambda: canvas_event(at, graph))
    assert [v for v, _ in seen] == list(history(at).past[-3:]) + [current(at)]
    for value, snapshot in seen:
        assert value.doc == snapshot, "a value in the history was changed in place"
    for value, snapshot in reversed(seen[:-1]):
        canvas_event(at, at.session_state["project"]["graph"], action="undo")
        assert current(at) is value and at.session_state["project"] == snapshot
    canvas_event(at, at.session_state["project"]["graph"], action="redo")
    assert current(at) is seen[1][0]
    assert at.session_state["project"]["graph"]["nodes"][1]["params"]["out_features"] == 48


def test_undo_is_pushed_to_the_canvas_and_says_what_it_can_do(seed_mlp):
    at = inject(app(), seed_mlp, selected_node="fc1")
    assert history(at).to_dict() == {"undo": True, "redo": False}  # the injected project was an edit
    revision = at.session_state["canvas_revision"]
    next(n for n in at.number_input if n.label == "out_features").set_value(20).run()
    assert at.session_state["canvas_revision"] == revision + 1, "Python changed the graph: the canvas adopts it"
    canvas_event(at, at.session_state["project"]["graph"], action="undo")
    assert at.session_state["project"]["graph"]["nodes"][1]["params"]["out_features"] == 128
    assert at.session_state["canvas_revision"] == revision + 2
    assert history(at).to_dict() == {"undo": True, "redo": True}


def test_a_refused_canvas_edit_is_named_and_the_canvas_gets_the_project_back(seed_mlp):
    at = inject(app(), seed_mlp)
    before, revision = at.session_state["project"], at.session_state["canvas_revision"]
    graph = copy.deepcopy(before["graph"])
    graph["nodes"][1]["params"]["out_features"] = "many"
    graph["nodes"].append({"id": "forward", "type": "ReLU", "params": {}, "pos": [0, 900]})
    canvas_event(at, graph)
    assert at.session_state["project"]["graph"]["nodes"][-1]["id"] == "forward"  # check names it: nothing lost
    assert any("forward" in e.value for e in at.error)
    bad = {"nodes": [{"id": "a", "type": "ReLU", "params": []}], "edges": []}
    canvas_event(at, bad)
    assert any("canvas edit was not applied" in e.value and "\"params\"" in e.value for e in at.error)
    assert at.session_state["canvas_revision"] > revision
