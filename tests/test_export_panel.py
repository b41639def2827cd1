"""The "Take it home" panel in AppTest: downloads appear, the share link holds the project, bundles open or are refused."""
from streamlit.testing.v1 import AppTest

from export_graphs import GRAPHS

APP = '''
import sys
sys.path.insert(0, {root!r})
import streamlit as st
import torch
from builder import build_model, load_project
from ui.views import take_home

project = {project!r}

class Job:
    status = "finished"
    def state_dict(self):
        torch.manual_seed(0)
        return build_model(load_project(project)).state_dict()

class Run:
    job, done, project = Job(), True, project
    def snapshot(self):
        return {{"status": "finished", "epochs": {{"epoch": [1], "train_loss": [0.5]}}}}

take_home.panel(project, Run() if {with_run} else None)
'''


def _app(project, with_run):
    from pathlib import Path
    root = str(Path(__file__).resolve().parents[1])
    return AppTest.from_string(APP.format(root=root, project=project, with_run=with_run), default_timeout=60)


def test_panel_without_a_run_offers_code_and_a_link():
    at = _app(GRAPHS["mlp"], False).run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Project (.json)", "PyTorch script (.py)"]
    link = at.text_input(key="export_link").value
    assert "?project=1" in link
    from export.links import project_from_query
    assert project_from_query({"project": link.split("project=", 1)[1]}).name == "Digits MLP"


def test_panel_with_a_finished_run_offers_weights_bundle_and_short_link(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_DATA", str(tmp_path))
    at = _app(GRAPHS["mlp"], True).run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Trained weights (.pt)" in labels and any(lb.startswith("Run bundle") for lb in labels)
    at.button(key="export_onnx_prepare").click().run()
    assert "ONNX (.onnx)" in [b.label for b in at.get("download_button")]
    at.button(key="export_save_run").click().run()
    url = at.text_input(key="export_run_link").value
    assert "?run=" in url and len(list((tmp_path / "shared").glob("*.zip"))) == 1


def test_invalid_graph_still_offers_the_project_file(project):
    bad = project([("in", "Input", {"shape": [4]}), ("c", "Conv2d", {"out_channels": 2, "kernel_size": 3})])
    at = _app(bad, False).run()
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == ["Project (.json)"]
    assert any("c: Conv2d expects" in c.value for c in at.caption)


OPEN_APP = '''
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from ui import state
from ui.views import take_home
from runs.registry import REGISTRY

state.init_defaults()
st.session_state.setdefault(state.WS, "wstest0001")
st.session_state.setdefault(state.PROJECT, {{"format": "neurocanvas/1", "name": "empty",
                                            "graph": {{"nodes": [], "edges": []}}, "training": {{}}}})
take_home.open_from_url()
run_id = st.session_state.get(state.RUN)
run = REGISTRY.get("wstest0001", run_id) if run_id else None
st.text(f"project={{state.project()['name']}}")
st.text(f"run={{run.status if run else None}} weights={{len(run.job.state_dict()) if run else 0}}")
st.text(f"flash={{st.session_state.get(state.FLASH)}}")
'''


def _open_app():
    from pathlib import Path
    return AppTest.from_string(OPEN_APP.format(root=str(Path(__file__).resolve().parents[1])), default_timeout=60)


def test_short_link_opens_the_saved_run(tmp_path, monkeypatch):
    from builder import build_model, load_project
    from runs.store import save_run
    monkeypatch.setenv("NEUROCANVAS_DATA", str(tmp_path))
    run_id = save_run(GRAPHS["cnn"], build_model(load_project(GRAPHS["cnn"])),
                      {"status": "finished", "epochs": {"epoch": [1], "train_loss": [0.7]}})
    at = _open_app()
    at.query_params["run"] = run_id
    at.run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert texts[0] == "project=Tiny CNN"
    assert texts[1] == "run=finished weights=11"  # 2 convs, BatchNorm (5 tensors), Linear
    assert "Opened 'Tiny CNN' from a saved run" in texts[2]
    assert "run" not in at.query_params


def test_bad_links_flash_an_error():
    at = _open_app()
    at.query_params["project"] = "1thisisnotalink"
    at.run()
    assert not at.exception
    assert "This share link cannot be opened" in at.text[2].value and at.text[0].value == "project=empty"
