"""Shared pytest fixtures: small project-dict factories in the `neurocanvas/1` format."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from graph_factory import make_project

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def project():
    """Factory fixture: project(nodes, edges=None, training=None) -> project dict (see make_project)."""
    return make_project


@pytest.fixture
def seed_mlp():
    """The primer's SimpleNet on 8×8 digits: 64 → 128 → 64 → 10."""
    return make_project([("in", "Input", {"shape": [64]}), ("fc1", "Linear", {"out_features": 128}),
                         ("relu1", "ReLU"), ("fc2", "Linear", {"out_features": 64}), ("relu2", "ReLU"),
                         ("out", "Linear", {"out_features": 10})],
                        training={"dataset": "digits", "loss": "CrossEntropyLoss",
                                  "optimizer": {"type": "Adam", "lr": 0.001}, "batch_size": 64, "epochs": 1,
                                  "seed": 0})


@pytest.fixture(scope="module")
def app_data_dir(tmp_path_factory):
    """A fresh NEUROCANVAS_DATA for one AppTest module, so runs and workspaces never touch ./data; as a new server
    process, it starts with no rate-limit buckets (every AppTest page is the same "local" client)."""
    import streamlit as st

    from runs.ratelimit import LIMITER
    mp = pytest.MonkeyPatch()
    mp.setenv("NEUROCANVAS_DATA", str(tmp_path_factory.mktemp("nc_data")))
    st.cache_resource.clear()  # the page's store (one per server process) must open this module's directory
    LIMITER.clear()
    yield
    mp.undo()
    st.cache_resource.clear()


@pytest.fixture
def local_paths():
    """As the command line: data-set options may name server files (csv path, mnist root) during this test."""
    from trainers.datasets.bounds import allow_local_paths
    allow_local_paths(True)
    yield
    allow_local_paths(False)


@pytest.fixture(scope="module")
def warm_workers():
    """The run registry with its worker pool warm, as a server has it at its first page; one torch thread here."""
    import torch

    from runs.registry import REGISTRY
    torch.set_num_threads(1)
    assert REGISTRY.ready(timeout=180), "the training workers did not warm up"
    return REGISTRY


@pytest.fixture
def registry(warm_workers):
    """The run registry; the runs a test started are stopped after it (AppTest never disconnects)."""
    yield warm_workers
    warm_workers.stop_all()
