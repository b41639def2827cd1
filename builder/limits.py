"""Every limit on what arrives from outside the server, in one dataclass; each overridable by an env var."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field

ENV_PREFIX = "NEUROCANVAS_"  # a field `memory_budget_mb` is read from NEUROCANVAS_MEMORY_BUDGET_MB


@dataclass(frozen=True)
class Limits:
    memory_budget_mb: int = 4096  # one model and its training: weights, grads, optimizer state, activations
    project_bytes: int = 5_000_000  # a project file (upload, bundle member, CLI file); projects are a few KB
    json_depth: int = 64  # nesting of any JSON from outside; a project needs about 6
    nodes: int = 2000  # nodes in one graph
    edges: int = 8000  # edges in one graph
    node_id_chars: int = 64  # one node id
    canvas_bytes: int = 1_000_000  # one canvas edit (the graph as JSON)
    link_chars: int = 8000  # a share link's query value; proxies cut URLs near 8 KB
    link_json_bytes: int = 1_000_000  # a link's decompressed JSON; more is a deflate bomb
    csv_bytes: int = 2 * 2**20  # a CSV's text; it is stored in the project and in exported scripts
    csv_rows: int = 100_000  # data rows of a CSV
    csv_columns: int = 500  # columns of a CSV (one-hot categories count once each)
    bundle_bytes: int = 200 * 2**20  # a run bundle (.zip) as uploaded
    bundle_total_bytes: int = 600 * 2**20  # all bundle members uncompressed
    dataset_values: int = 50_000_000  # values in one generated or loaded data set (x and y), 200 MB of float32
    params: int = 200_000_000  # trainable parameters of one model (800 MB of float32)
    input_values: int = 10_000_000  # values in one sample at the Input node
    activation_bytes: int = 512 * 2**20  # activations of one sample, summed over nodes
    onnx_bytes: int = 64 * 2**20  # an ONNX model file; the largest preset exports to ~0.1 MB
    onnx_fields: int = 1_000_000  # protobuf fields of an ONNX file, counted before parsing (dynamo: ~40 a node)
    onnx_nodes: int = 20_000  # nodes of an ONNX graph
    # Generated data sets: option -> (lowest, highest); every option of a built-in set is bounded here.
    dataset_options: dict = field(default_factory=lambda: {
        "n_samples": (2, 100_000), "n_points": (3, 1_000_000), "length": (1, 1000), "window": (1, 1000),
        "vocab": (2, 10_000), "classes": (2, 100), "noise": (0.0, 100.0), "factor": (0.0, 1.0),
        "turns": (0.0, 100.0), "seed": (0, 2**32 - 1)})

    def bytes_of_budget(self) -> int:
        return self.memory_budget_mb * 2**20


def _parse(kind, text: str):
    value = kind(text)
    if value <= 0:
        raise ValueError(text)
    return value


def current(environ=None) -> Limits:
    """The limits in force: the defaults, each replaced by its NEUROCANVAS_<NAME> env var when set."""
    environ = os.environ if environ is None else environ
    changes = {}
    for f in dataclasses.fields(Limits):
        text = environ.get(ENV_PREFIX + f.name.upper())
        if text is None or f.name == "dataset_options":
            continue
        try:
            changes[f.name] = _parse(int, text)
        except ValueError:  # a typo in the server's own settings must not lift a limit: keep the default
            continue
    return Limits(**changes)


LIMITS = current()  # at import; check() reads current() each time so a changed budget applies at once
PATH_OPTIONS = ("path", "root", "download")  # dataset options that name server files: command line only
