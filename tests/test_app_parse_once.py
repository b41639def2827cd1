"""Parse once on the page: AppTest counts how often the project is parsed and its graph checked per user action."""
import copy
import importlib
import json

import pytest

import builder.project
from tests.apptest_helpers import app, inject

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir")]  # whole-page AppTest runs


class Counts:
    """Every parse (builder.project.project_from_dict) and every check that ran (not one served by a cache)."""

    def __init__(self, monkeypatch):
        self.parses: list[str] = []
        self.checks = 0
        door = importlib.import_module("builder.checked_project")  # where builder.check calls the uncached check
        parse, run_check = builder.project.project_from_dict, door.run_check
        counts = self

        def counted_parse(data, *args, **kwargs):
            counts.parses.append(json.dumps(data, sort_keys=True, default=str))
            return parse(data, *args, **kwargs)

        def counted_check(graph):
            counts.checks += 1
            return run_check(graph)

        monkeypatch.setattr(builder.project, "project_from_dict", counted_parse)
        monkeypatch.setattr(door, "run_check", counted_check)

    def reset(self) -> None:
        self.parses, self.checks = [], 0


def _edit_out_features(at, value: int) -> None:
    box = next(n for n in at.number_input if n.label == "out_features")
    box.set_value(value).run()
    assert not at.exception, [e.message for e in at.exception]


@pytest.mark.parametrize("view, width", [("Dashboard", 24), ("Take it home", 25), ("Code", 26)])
def test_an_unchanged_rerun_parses_and_checks_nothing_and_an_edit_checks_once(seed_mlp, monkeypatch, view, width):
    """width: a graph no other test checked (the caches are the server's, shared by every session)."""
    at = inject(app(), seed_mlp, selected_node="fc1", main_tab=view)
    counts = Counts(monkeypatch)
    at.run()
    assert not at.exception
    assert (counts.parses, counts.checks) == ([], 0), ("a rerun with no change", [p[:300] for p in counts.parses])

    _edit_out_features(at, width)
    assert at.session_state["project"]["graph"]["nodes"][1]["params"]["out_features"] == width
    assert any(f"output **[{width}]**" in m.value for m in at.markdown), "the inspector shows the new shape"
    assert counts.checks == 1, "one inspector edit checks the new graph once"
    assert len(counts.parses) == len(set(counts.parses)) <= 2, "each content is parsed at most once"

    counts.reset()
    at.run()
    assert (counts.parses, counts.checks) == ([], 0), "a rerun after the edit"


def test_a_training_change_checks_nothing(seed_mlp, monkeypatch):
    """The check is keyed on the graph alone: the training section (which may hold a 2 MB CSV) does not matter."""
    at = inject(app(), seed_mlp, main_tab="Train")
    counts = Counts(monkeypatch)
    epochs = next(n for n in at.number_input if n.label == "Epochs")
    epochs.set_value(3).run()
    assert not at.exception
    assert at.session_state["project"]["training"]["epochs"] == 3
    assert counts.checks == 0 and counts.parses == []


def _canvas(at, graph, action=None):
    from ui.canvas import event_state
    at.session_state["canvas"] = event_state(graph, revision=at.session_state["canvas_revision"], action=action)
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_each_edit_costs_one_parse_and_one_check_and_undo_costs_neither(seed_mlp, monkeypatch):
    """One canvas edit: the graph it sends is parsed once and checked once; a move is parsed and not checked (check
    does not read positions); Undo and Redo bring values back: nothing is parsed or checked."""
    at = inject(app(), seed_mlp)
    counts = Counts(monkeypatch)
    graph = copy.deepcopy(at.session_state["project"]["graph"])
    graph["nodes"][3]["params"]["out_features"] = 27  # fc2: a graph no other test checked
    _canvas(at, graph)
    assert at.session_state["project"]["graph"]["nodes"][3]["params"]["out_features"] == 27
    assert (len(counts.parses), counts.checks) == (1, 1), "one canvas edit"
    counts.reset()
    graph = copy.deepcopy(at.session_state["project"]["graph"])
    graph["nodes"][3]["pos"] = [400, 333]
    _canvas(at, graph)
    assert at.session_state["project"]["graph"]["nodes"][3]["pos"] == [400, 333]
    assert (len(counts.parses), counts.checks) == (1, 0), "a move"
    counts.reset()
    _canvas(at, at.session_state["project"]["graph"], action="undo")
    _canvas(at, at.session_state["project"]["graph"], action="undo")
    _canvas(at, at.session_state["project"]["graph"], action="redo")
    assert at.session_state["project"]["graph"]["nodes"][3]["params"]["out_features"] == 27
    assert (counts.parses, counts.checks) == ([], 0), "undo and redo"


def test_a_project_put_into_the_session_is_parsed_and_checked_once_at_the_door(seed_mlp, monkeypatch):
    at = app()
    counts = Counts(monkeypatch)
    fresh = copy.deepcopy(seed_mlp)
    fresh["graph"]["nodes"][1]["params"]["out_features"] = 29
    at.session_state["project"] = fresh
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["project"] == fresh and at.session_state["project"] is not fresh
    assert (len(counts.parses), counts.checks) == (1, 1)
