"""A bare page around ui.canvas for the browser tests: it prints what the canvas returns as JSON."""

import json

import streamlit as st

from tests.graph_factory import residual_chain
from ui.canvas import auto_layout, canvas, canvas_event
from ui.canvas.texts import canvas_texts

# A small palette in the shape of builder.catalogue.palette() (docs/contracts.md).
_INT = {"kind": "int", "min": 1, "max": 4096, "choices": None}
PALETTE = {
    "Input": {"category": "input", "help": "The data fed to the network.", "inputs": 1,
              "params": {"shape": {"kind": "shape", "default": [64], "min": None, "max": None,
                                   "choices": None, "help": "Sample shape, batch excluded."}}},
    "Linear": {"category": "dense", "help": "y = xWᵀ + b", "inputs": 1,
               "params": {"out_features": {**_INT, "default": 32, "help": "Output size."},
                          "bias": {"kind": "bool", "default": True, "min": None, "max": None,
                                   "choices": None, "help": "Learn an additive bias."}}},
    "Conv2d": {"category": "convolution", "help": "2-D convolution.", "inputs": 1,
               "params": {"out_channels": {**_INT, "default": 16, "help": "Filters."},
                          "kernel_size": {**_INT, "default": 3, "help": "Kernel side."},
                          "padding": {**_INT, "min": 0, "default": None, "help": "Zero padding."}}},
    "ReLU": {"category": "activation", "help": "max(0, x)", "inputs": 1, "params": {}},
    "Dropout": {"category": "normalisation", "help": "Zeroes a share p of the values.", "inputs": 1,
                "params": {"p": {"kind": "float", "default": 0.5, "min": 0.0, "max": 1.0,
                                 "choices": None, "help": "Drop probability."}}},
    "LSTM": {"category": "recurrent", "help": "Long short-term memory.", "inputs": 1,
             "params": {"hidden_size": {**_INT, "default": 64, "help": "Units."}}},
    "Add": {"category": "merge", "help": "Element-wise sum of the inputs.", "inputs": "many", "params": {}},
    "Concat": {"category": "merge", "help": "Joins the inputs along dim.", "inputs": "many",
               "params": {"dim": {"kind": "int", "default": -1, "min": None, "max": None,
                                  "choices": None, "help": "Axis."}}},
}

START = {
    "nodes": [
        {"id": "in", "type": "Input", "params": {"shape": [64]}, "pos": [0, 0]},
        {"id": "fc1", "type": "Linear", "params": {"out_features": 128}, "pos": [0, 150]},
        {"id": "act", "type": "ReLU", "params": {}, "pos": [0, 300]},
        {"id": "out", "type": "Linear", "params": {"out_features": 10}, "pos": [0, 450]},
        {"id": "sum", "type": "Add", "params": {}, "pos": [300, 450]},
    ],
    "edges": [
        {"source": "in", "target": "fc1"},
        {"source": "fc1", "target": "act"},
        {"source": "act", "target": "out"},
    ],
}


def big_graph(n: int = 60) -> dict:
    """A residual MLP of n nodes, laid out by the canvas's own auto-layout."""
    return auto_layout(residual_chain(n))


def demo_annotations(graph: dict) -> dict:
    """Demo-only shapes (the app uses builder.check): Linear sets the size, others pass it on."""
    incoming = {}
    for e in sorted(graph["edges"], key=lambda e: e.get("target_port") or 0):
        incoming.setdefault(e["target"], []).append(e["source"])
    shapes, notes = {}, {}
    by_id = {n["id"]: n for n in graph["nodes"]}
    pending = list(by_id)
    for _ in range(len(pending) + 1):  # relax until every reachable node has a shape
        for node_id in pending:
            node, srcs = by_id[node_id], incoming.get(node_id, [])
            if node["type"] == "Input":
                shapes[node_id] = list(node["params"].get("shape", [64]))
            elif srcs and all(s in shapes for s in srcs):
                size = shapes[srcs[0]][-1]
                if node["type"] == "Linear":
                    out = node["params"].get("out_features", 32)
                    shapes[node_id], notes[node_id] = [out], {"params": size * out + out}
                else:
                    shapes[node_id] = shapes[srcs[0]]
    ann = {"_edges": {f"{e['source']}->{e['target']}": str(shapes[e["source"]])
                      for e in graph["edges"] if e["source"] in shapes}}
    for node_id, node in by_id.items():
        error = None if node_id in shapes else f"{node_id}: no input connected"
        ann[node_id] = {"shape": str(shapes.get(node_id, "")) or None, "error": error,
                        **notes.get(node_id, {})}
    return ann


def push(graph: dict) -> None:
    st.session_state.graph = graph
    st.session_state.revision += 1


def apply(event, late: bool = False) -> None:
    if event is None:
        return
    st.session_state.late_events += late  # events canvas_event() missed: should stay 0
    st.session_state.events += 1
    st.session_state.selected = event.selected
    st.session_state.graph = event.graph
    if event.action == "auto_layout":
        st.session_state.layouts += 1
        push(auto_layout(event.graph))


st.set_page_config(page_title="canvas demo", layout="wide")
if "graph" not in st.session_state:
    st.session_state.update(graph=START, revision=0, selected=None, events=0, late_events=0, layouts=0,
                            pushes=0)
# Take the canvas edit first, so the annotations drawn below already describe it.
apply(canvas_event("canvas", st.session_state.revision))

cols = st.columns(4)
if cols[0].button("Push graph", key="push"):  # Python replaces the graph: a new node each time
    st.session_state.pushes += 1
    k = st.session_state.pushes
    g = json.loads(json.dumps(st.session_state.graph))
    g["nodes"].append({"id": f"pushed{k}", "type": "ReLU", "params": {}, "pos": [300, 150 * (k % 4)]})
    push(g)
if cols[1].button("Load 60 nodes", key="big"):
    push(big_graph(60))
if cols[2].button("Reset", key="reset"):
    push(START)
cols[3].button("Rerun", key="rerun")  # a plain rerun: the canvas must keep its state

graph = st.session_state.graph
apply(canvas(graph, palette=PALETTE, annotations=demo_annotations(graph),
             revision=st.session_state.revision, key="canvas", height=560, texts=canvas_texts()), late=True)

with st.container(key="state"):  # plain text: cheap to redraw, so it does not skew timings
    st.text(json.dumps({k: st.session_state[k] for k in
                        ("revision", "selected", "events", "late_events", "layouts", "pushes", "graph")}))
