"""Validate a project's graph: types, params, wiring, cycles, shapes, sizes. Never raises."""
from __future__ import annotations

import difflib
import functools
import json
import math
import threading
import warnings

import networkx as nx
import torch
from torch.overrides import TorchFunctionMode

from i18n import N_

from .catalogue import LAYERS, constructor_kwargs
from .ids import check_ids
from .limits import LIMITS
from .params import validate
from .project import Graph
from .report import Report
from .shapes import ShapeError, fmt

MAX_PARAMS = LIMITS.params  # 800 MB of float32 weights: beyond any classroom or laptop model
MAX_INPUT_VALUES = LIMITS.input_values  # one sample
MAX_ACTIVATION_BYTES = LIMITS.activation_bytes  # per sample, summed over nodes
LINEAR_MAPS = ("Linear", "Conv1d", "Conv2d")  # two in a row collapse into one linear map
INFERRED_NAMES = ("in_features", "in_channels", "input_size", "num_features", "d_model", "embed_dim",
                  "normalized_shape", "batch_first")  # inferred from the input: a file may state them if they agree


def suggest(name: str, choices) -> str:
    """' (did you mean X?)' for a near miss, case-insensitive first."""
    lower = {c.lower(): c for c in choices}
    hit = lower.get(name.lower()) or next(iter(difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)), None)
    return N_(" (did you mean {name}?)", name=hit) if hit else ""


def _params(node, spec, report: Report) -> dict | None:
    values, ok = {}, True
    for name, value in node.params.items():
        if name in INFERRED_NAMES:
            continue  # compared with the inferred value once shapes are known
        if name not in spec.params:
            known = ", ".join(spec.params) or "none"
            report.error(node.id, N_("{type} has no parameter \"{name}\"{hint}; its parameters: {known}",
                                     type=node.type, name=name, hint=suggest(name, spec.params), known=known), name)
            ok = False
    for name, ps in spec.params.items():
        if name not in node.params:
            if ps.required:
                report.error(node.id, N_("{type} needs \"{name}\" ({help})", type=node.type, name=name,
                                         help=N_(ps.help)), name)  # help: a catalogue msgid
                ok = False
            else:
                values[name] = ps.default
            continue
        value, err = validate(ps, name, node.params[name])
        if err:
            report.error(node.id, N_("{type} {problem}", type=node.type, problem=err), name)
            ok = False
        values[name] = value
    return values if ok else None


def _inputs_in_order(graph: Graph, report: Report, known: set) -> dict[str, list]:
    incoming: dict[str, list] = {n.id: [] for n in graph.nodes}
    for i, e in enumerate(graph.edges):
        missing = [x for x in (e.source, e.target) if x not in known]
        if missing:
            owner = e.target if e.target in known else (e.source if e.source in known else None)
            report.error(owner, N_("edge {source} → {target}: there is no node \"{missing}\"", source=e.source,
                                   target=e.target, missing=missing[0]))
            continue
        if e.source == e.target:
            report.error(e.source, "is connected to itself: a network must flow one way")
            continue
        incoming[e.target].append((math.inf if e.target_port is None else e.target_port, i, e.source))
    ordered = {}
    for nid, items in incoming.items():
        ports = [p for p, _, _ in items if p != math.inf]
        if len(ports) != len(set(ports)):
            report.error(nid, "two edges arrive on the same target_port")
        ordered[nid] = [src for _, _, src in sorted(items)]
    return ordered


def _wiring(graph: Graph, specs: dict, inputs: dict, report: Report) -> None:
    in_nodes = [n.id for n in graph.nodes if n.type == "Input"]
    if not in_nodes:
        report.error(None, N_("the network has no Input node: drag an Input onto the canvas and connect it"))
    for extra in in_nodes[1:]:
        report.error(extra, N_("a second Input: only one Input per network is supported (the first is {first})",
                               first=in_nodes[0]))
    report.input_node = in_nodes[0] if in_nodes else None
    for n in graph.nodes:
        spec, srcs = specs.get(n.id), inputs[n.id]
        if spec is None:
            continue
        if spec.inputs == 0 and srcs:
            report.error(n.id, N_("an Input cannot receive edges (from {sources})", sources=", ".join(srcs)))
        elif spec.inputs == 1 and not srcs:
            report.error(n.id, N_("{type} is not connected: it has no input", type=n.type))
        elif spec.inputs == 1 and len(srcs) > 1:
            report.error(n.id, N_("{type} takes one input, but {count} edges arrive (from {sources}): merge them with "
                                  "Add or Concat first", type=n.type, count=len(srcs), sources=", ".join(srcs)))
        elif spec.inputs == "many" and len(srcs) < 2:
            report.error(n.id, N_("{type} needs at least two inputs, got {count}", type=n.type, count=len(srcs)))


def _outputs(g: nx.DiGraph, report: Report) -> None:
    reachable = nx.descendants(g, report.input_node) | {report.input_node} if report.input_node in g else set()
    sinks = [n for n in report.order if g.out_degree(n) == 0 and n in reachable]
    if not sinks:
        return
    report.output_node = sinks[-1]
    for s in sinks[:-1]:
        if s == report.input_node:
            continue
        report.error(s, N_("its output is not used: connect it onward or delete it (the model's output is {output})",
                           output=report.output_node))


class _SkipInit(TorchFunctionMode):
    """Skip weight initialisers while counting on the meta device: only shapes matter there, and meta
    normal_ (Embedding, learned tables) imports torch._dynamo on first use, ~5 s on a classroom server."""

    SKIPPED = frozenset({"normal_", "uniform_", "trunc_normal_", "xavier_uniform_", "xavier_normal_",
                         "kaiming_uniform_", "kaiming_normal_", "orthogonal_"})

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if getattr(func, "__name__", None) in self.SKIPPED:
            return args[0] if args else kwargs["tensor"]
        return func(*args, **kwargs)


_WARNINGS_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4096)
def _count(type_name: str, ins: tuple, params_json: str) -> tuple[int, int, tuple]:
    spec = LAYERS[type_name]
    # The real class, built without memory or init cost: the count is exact. torch's own warnings (e.g. LSTM
    # dropout with one layer) become the node's warnings instead of lines on stderr. catch_warnings swaps
    # process-wide state, so two checking threads (two students) must not interleave here.
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught, torch.device("meta"), _SkipInit():
        warnings.simplefilter("always")
        module = spec.cls(**constructor_kwargs(spec, list(ins), json.loads(params_json)))
    return (sum(p.numel() for p in module.parameters() if p.requires_grad),
            sum(b.numel() for b in module.buffers()), tuple(dict.fromkeys(" ".join(str(w.message).split()) for w in caught)))


def _module_params(type_name, ins, params) -> tuple[int, int, tuple]:
    """(trainable parameters, buffer values, torch's warnings); cached: a canvas edit re-checks unchanged nodes."""
    return _count(type_name, tuple((tuple(s), d) for s, d in ins), json.dumps(params, sort_keys=True))


def _shapes(graph: Graph, specs: dict, report: Report) -> None:
    by_id = {}
    for n in graph.nodes:
        by_id.setdefault(n.id, n)  # with a duplicated id the first node counts, as in the catalogue check
    act_values = buffer_values = 0
    for nid in report.order:
        node, spec, params = by_id[nid], specs.get(nid), report.params.get(nid)
        srcs = report.inputs[nid]
        if spec is None or params is None or any(s not in report.shapes for s in srcs):
            continue  # its own or an upstream problem was already reported
        if spec.inputs == 0:
            shape = tuple(params["shape"])
            if any(d < 1 for d in shape):
                report.error(nid, N_("Input shape {shape} must hold positive sizes", shape=fmt(shape)), "shape")
                continue
            if math.prod(shape) > MAX_INPUT_VALUES:
                report.error(nid, N_("Input shape {shape} has {values:,} values per sample, above the limit of "
                                     "{limit:,}", shape=fmt(shape), values=math.prod(shape), limit=MAX_INPUT_VALUES),
                             "shape")
                continue
            out = (shape, params["dtype"])
        else:
            ins = [(report.shapes[s], report.dtypes[s]) for s in srcs]
            if (spec.inputs == 1 and len(ins) != 1) or (spec.inputs == "many" and len(ins) < 2):
                continue  # reported by _wiring
            try:
                out = spec.infer(ins, params, node.type)
            except ShapeError as e:
                report.error(nid, str(e))
                continue
            if _stated_sizes_disagree(node, spec, ins, report):
                continue
            if any(d < 1 for d in out[0]):
                report.error(nid, N_("{type} output shape {shape} has an empty axis", type=node.type,
                                     shape=fmt(out[0])))
                continue
            try:
                count, buffers, torch_warnings = _module_params(node.type, ins, params)
            except Exception as e:  # torch's own argument checks, e.g. an invalid combination
                report.error(nid, N_("{type} cannot be built: {reason}", type=node.type, reason=str(e)))
                continue
            if buffers > MAX_PARAMS:  # e.g. a sinusoidal table of max_len × d_model: allocated, not trained
                report.error(nid, N_("{type} would hold {values:,} fixed values ({gib:.1f} GiB), above the limit of "
                                     "{limit:,}", type=node.type, values=buffers, gib=4 * buffers / 2**30,
                                     limit=MAX_PARAMS))
                continue
            report.param_counts[nid] = count
            buffer_values += buffers
            for message in torch_warnings:
                report.warn(nid, f"{node.type}: {message}")
        report.shapes[nid], report.dtypes[nid] = tuple(out[0]), out[1]
        act_values += math.prod(out[0])
    report.memory = {"params_bytes": 4 * report.total_params, "activation_bytes_per_sample": 4 * act_values,
                     "buffers_bytes": 4 * buffer_values}


def _stated_sizes_disagree(node, spec, ins, report: Report) -> bool:
    inferred = {**spec.inferred(ins), **spec.fixed}
    for name in INFERRED_NAMES:
        if name in node.params:
            if name not in inferred:
                report.error(node.id, N_("{type} has no parameter \"{name}\"", type=node.type, name=name), name)
                return True
            if node.params[name] != inferred[name]:
                report.error(node.id, N_("{name} is inferred from the incoming shape as {inferred}, but the file says "
                                         "{stated}: remove it", name=name, inferred=inferred[name],
                                         stated=node.params[name]), name)
                return True
    return False


def _limits(report: Report) -> None:
    total = report.total_params
    if total > MAX_PARAMS:
        biggest = max(report.param_counts, key=report.param_counts.get)
        report.error(biggest, N_("the model would have {total:,} parameters ({gib:.1f} GiB of weights), above the "
                                 "limit of {limit:,}; this node alone has {node:,}", total=total, gib=4 * total / 2**30,
                                 limit=MAX_PARAMS, node=report.param_counts[biggest]))
    act = report.memory["activation_bytes_per_sample"]
    if act > MAX_ACTIVATION_BYTES:
        biggest = max(report.shapes, key=lambda n: math.prod(report.shapes[n]))
        report.error(biggest, N_("activations need {mib:,.0f} MiB per sample, above the limit of {limit:.0f} MiB; "
                                 "the largest is {shape}", mib=act / 2**20, limit=MAX_ACTIVATION_BYTES / 2**20,
                                 shape=fmt(report.shapes[biggest])))


def _hints(graph: Graph, report: Report) -> None:
    for n in graph.nodes:
        p = report.params.get(n.id, {})
        if n.type == "Dropout" and p.get("p") == 1.0:
            report.warn(n.id, N_("Dropout with p = 1 zeroes every value while training"), "p")
    if report.output_node and (out := graph.node(report.output_node)) and out.type == "Softmax":
        report.warn(out.id, N_("the model ends in Softmax: CrossEntropyLoss expects raw scores (logits), "
                               "so drop it there or use NLLLoss after a LogSoftmax"))
    types = {n.id: n.type for n in graph.nodes}
    for dst, srcs in report.inputs.items():  # the fix (builder.fixes) inserts a ReLU between
        if len(srcs) == 1 and types.get(dst) in LINEAR_MAPS and types.get(srcs[0]) in LINEAR_MAPS:
            report.warn(dst, N_("follows {node} with no activation between: two linear maps in a row are one linear "
                                "map", node=srcs[0]), rule="linear_maps")


def run_check(graph: Graph) -> Report:
    """Check a graph and infer every shape; problems are in the report (their fixes are builder.fixes' pass).
    Uncached: callers use builder.check or builder.checked_project.check_graph."""
    report = Report()
    check_ids(graph.nodes, report)
    specs, seen = {}, {}  # seen: a dict, so the topological order (and the cycle named) follows the file, not hashes
    for n in graph.nodes:
        if n.id in seen:
            report.error(n.id, N_("this id is used by two nodes: ids must be unique"))
            continue
        seen[n.id] = None
        spec = LAYERS.get(n.type)
        if spec is None:
            report.error(n.id, N_("unknown layer type \"{type}\"{hint}", type=n.type, hint=suggest(n.type, LAYERS)),
                         "type")
            continue
        specs[n.id] = spec
        params = _params(n, spec, report)
        if params is not None:
            report.params[n.id] = params

    report.inputs = _inputs_in_order(graph, report, seen)
    _wiring(graph, specs, report.inputs, report)

    g = nx.DiGraph()
    g.add_nodes_from(seen)
    g.add_edges_from((src, dst) for dst, srcs in report.inputs.items() for src in srcs)
    try:
        report.order = list(nx.topological_sort(g))
    except nx.NetworkXUnfeasible:
        cycle = [u for u, _ in nx.find_cycle(g)]
        report.error(cycle[0], N_("{cycle} form a cycle: a network must flow one way",
                                  cycle=" → ".join(cycle + [cycle[0]])))
        return report
    _outputs(g, report)
    _shapes(graph, specs, report)
    if report.shapes:
        _limits(report)
    _hints(graph, report)
    return report
