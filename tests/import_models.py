"""Helpers for the import tests: three hand-written modules, the exporters wherever they live, a canonical graph."""
import importlib
import io
import warnings

import networkx as nx
import torch
import torch.nn.functional as F
from torch import nn

import builder


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 32)
        self.fc2 = nn.Linear(32, 16)
        self.head = nn.Linear(16, 3)
    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        return self.head(x)

class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(16, 4)
    def forward(self, x):
        x = self.features(x)
        x = x.view(x.size(0), -1)
        return self.classifier(x)

class LSTMClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=6, hidden_size=24, num_layers=2, batch_first=True)
        self.fc = nn.Linear(24, 5)
    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


class Unsupported(nn.Module):
    """nn.Bilinear has no catalogue layer."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.bil = nn.Bilinear(8, 8, 4)

    def forward(self, x):
        x = self.fc(x)
        return self.bil(x, x)


class CustomFunction(nn.Module):
    """torch.cumsum has no catalogue layer."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(torch.cumsum(x, dim=1))


HAND_WRITTEN = {"MLP": (MLP, (20,)), "SmallCNN": (SmallCNN, (3, 16, 16)), "LSTMClassifier": (LSTMClassifier, (7, 6))}


def exporter(*names):
    """The first attribute found among export/ (after the move) and builder/export_*.py (before it)."""
    for module in ("export.script", "export.onnx", "builder.export_code", "builder.export_onnx"):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        for name in names:
            if hasattr(mod, name):
                return getattr(mod, name)
    raise ImportError(names)


def onnx_bytes(model, shape, dtype="float", preserve=False) -> bytes:
    """torch.onnx's own export (batch axis dynamic); preserve keeps BatchNorm instead of folding it into Conv."""
    x = torch.zeros(2, *shape, dtype=torch.long) if dtype == "long" else torch.randn(2, *shape)
    buf = io.BytesIO()
    kw = {"training": torch.onnx.TrainingMode.PRESERVE} if preserve else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.eval(), (x,), buf, dynamo=False, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "b"}, "output": {0: "b"}}, **kw)
    return buf.getvalue()


def _params(node_type, params, inference):
    from builder.catalogue import LAYERS
    spec = LAYERS[node_type].params
    p = {k: (v[0] if k in spec and spec[k].kind == "ints" and isinstance(v, list) and len(set(v)) == 1 else v)
         for k, v in params.items()}  # kernel_size [2, 2] is kernel_size 2
    if node_type.startswith(("MaxPool", "AvgPool")) and p.get("stride") is None:
        p["stride"] = p["kernel_size"]
    if inference:  # an ONNX inference graph holds no dropout rates and no padding_idx
        p.pop("dropout", None)
        p.pop("padding_idx", None)
    return repr(sorted(p.items()))


def canonical(project_dict, inference=False) -> nx.DiGraph:
    """The checked graph without ids or layout: nodes (type, params, shape), edges with their input port."""
    project = builder.load_project(project_dict)
    report = builder.check(project)
    assert report.ok, report.errors
    g = nx.DiGraph()
    types = {n.id: n.type for n in project.graph.nodes}
    for nid in report.order:
        g.add_node(nid, key=(types[nid], _params(types[nid], report.params[nid], inference), report.shapes[nid]))
        for port, src in enumerate(report.inputs.get(nid, [])):
            g.add_edge(src, nid, port=port)
    if inference:  # Dropout is the identity at inference time, so ONNX files do not have it
        for nid in [n for n in g if types[n] == "Dropout"]:
            (src,), outs = list(g.predecessors(nid)), list(g.out_edges(nid, data=True))
            g.remove_node(nid)
            g.add_edges_from((src, t, d) for _, t, d in outs)
    return g


def same_graph(a, b) -> bool:
    return nx.is_isomorphic(a, b, node_match=lambda x, y: x["key"] == y["key"],
                            edge_match=lambda x, y: x["port"] == y["port"])


def outputs(project_dict, state, x):
    model = builder.build_model(builder.load_project(project_dict)).eval()
    model.load_state_dict(state)
    with torch.no_grad():
        return model(x)
