"""The page itself (AppTest): a hostile query link and malformed canvas edits are messages, never exceptions."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hostile_craft import link, project
from ui.canvas import event_state

pytestmark = pytest.mark.slow
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def page(data_dir, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at):
    return [e.value for e in list(at.error) + list(at.info) + list(at.warning)]


def test_a_link_with_a_server_path_or_huge_options(data_dir):
    at = page(data_dir, project=link(project(dataset="csv", dataset_options={"path": "/proc/self/environ"})))
    assert any("training.dataset_options.path" in t for t in texts(at)), texts(at)
    at.query_params["project"] = link(project(dataset="reverse", dataset_options={"vocab": 10**9}))
    at.session_state["main_tab"] = "Train"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("training.dataset_options.vocab" in t for t in texts(at)), texts(at)


@pytest.mark.parametrize("graph, words", [({"nodes": "fc1", "edges": []}, "graph.nodes must be a list"),
                                          ({"nodes": [{"type": "ReLU"}], "edges": []}, "graph.nodes[0]")])
def test_malformed_canvas_edits_leave_the_graph_as_it_was(data_dir, graph, words):
    at = page(data_dir)
    before = at.session_state["project"]["graph"]
    at.session_state["canvas"] = event_state(graph, revision=at.session_state["canvas_revision"])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(words in t and "canvas edit was not applied" in t for t in texts(at)), texts(at)
    assert at.session_state["project"]["graph"] == before
