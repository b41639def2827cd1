"""Shared pytest fixtures: small project-dict factories in the `neurocanvas/1` format."""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def make_project(nodes, edges=None, training=None, name="test") -> dict:
    """A project dict. `nodes`: dicts, or (id, type, params) tuples; `edges`: dicts, or (src, dst[, port])
    tuples; edges=None chains the nodes in the order given."""
    nodes = [n if isinstance(n, dict) else {"id": n[0], "type": n[1], "params": dict(n[2]) if len(n) > 2 else {}}
             for n in nodes]
    if edges is None:
        edges = [(a["id"], b["id"]) for a, b in zip(nodes, nodes[1:])]
    edges = [e if isinstance(e, dict) else
             {"source": e[0], "target": e[1], **({"target_port": e[2]} if len(e) > 2 else {})} for e in edges]
    return {"format": "neurocanvas/1", "name": name, "description": "",
            "graph": {"nodes": copy.deepcopy(nodes), "edges": copy.deepcopy(edges)},
            "training": copy.deepcopy(training) if training is not None else {}}


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
