"""Every class of invalid project: check() names the node and the reason, build_model refuses, the CLI prints one
readable line per problem (never a traceback) and exits non-zero; the valid case prints the table and total."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder import GraphError, build_model, check
from builder.cli import main as cli_main
from graph_factory import make_project

ROOT = Path(__file__).resolve().parents[1]


def mlp(**fc_params):
    return make_project([("in", "Input", {"shape": [4]}), ("fc", "Linear", {"out_features": 3, **fc_params})])


def fork(a, b, merge, *, a_out=3, b_out=3, merge_params=None):
    """in -> a, in -> b, (a, b) -> merge: the two-branch shape for merge errors."""
    return make_project([("in", "Input", {"shape": [4]}), (a, "Linear", {"out_features": a_out}),
                         (b, "Linear", {"out_features": b_out}), ("m", merge, merge_params or {})],
                        [("in", a), ("in", b), (a, "m"), (b, "m")])


# (case id, project dict, node id the message must name (None: the whole project), words the message must contain)
CASES = [
    ("unknown type", make_project([("in", "Input", {"shape": [4]}), ("fc", "Linaer", {"out_features": 3})]),
     "fc", ['unknown layer type "Linaer"', "did you mean Linear?"]),
    ("unknown type, case", make_project([("in", "Input", {"shape": [1, 8, 8]}), ("c", "conv2d", {})]),
     "c", ["did you mean Conv2d?"]),
    ("unknown param", mlp(out_featurs=3), "fc", ['no parameter "out_featurs"', "did you mean out_features?"]),
    ("missing param", make_project([("in", "Input", {"shape": [4]}), ("fc", "Linear", {})]),
     "fc", ['needs "out_features"']),
    ("string for int", mlp(out_features="ten"), "fc", ["out_features must be an integer", "'ten'"]),
    ("float for int", mlp(out_features=2.5), "fc", ["out_features must be an integer", "2.5"]),
    ("bool for int", mlp(out_features=True), "fc", ["out_features must be an integer"]),
    ("None for int", mlp(out_features=None), "fc", ["out_features must not be empty"]),
    ("string for bool", mlp(bias="yes"), "fc", ["bias must be true or false"]),
    ("bad choice", make_project([("in", "Input", {"shape": [5, 4]}), ("p", "SequencePool", {"mode": "median"})]),
     "p", ["mode must be one of last, mean, max", "'median'"]),
    ("nan float", make_project([("in", "Input", {"shape": [4]}), ("d", "Dropout", {"p": float("nan")})]),
     "d", ["p must be a finite number"]),
    ("negative size", mlp(out_features=-3), "fc", ["out_features must be ≥ 1, got -3"]),
    ("zero size", mlp(out_features=0), "fc", ["out_features must be ≥ 1, got 0"]),
    ("negative input shape", make_project([("in", "Input", {"shape": [4, -1]}), ("fc", "Linear", {"out_features": 3})]),
     "in", ["Input shape [4, -1] must hold positive sizes"]),
    ("dropout above 1", make_project([("in", "Input", {"shape": [4]}), ("d", "Dropout", {"p": 1.5})]),
     "d", ["p must be ≤ 1, got 1.5"]),
    ("cycle", make_project([("in", "Input", {"shape": [4]}), ("a", "Linear", {"out_features": 4}), ("add", "Add"),
                            ("b", "ReLU")], [("in", "add"), ("b", "add"), ("add", "a"), ("a", "b")]),
     "add", ["add → a → b → add form a cycle", "flow one way"]),
    ("self loop", make_project([("in", "Input", {"shape": [4]}), ("a", "ReLU")], [("in", "a"), ("a", "a")]),
     "a", ["connected to itself"]),
    ("no input", make_project([("fc", "Linear", {"out_features": 3}), ("r", "ReLU")]),
     None, ["no Input node"]),
    ("second input", make_project([("in", "Input", {"shape": [4]}), ("in2", "Input", {"shape": [4]}),
                                   ("fc", "Linear", {"out_features": 3})], [("in", "fc")]),
     "in2", ["a second Input", "the first is in"]),
    ("edge into input", make_project([("in", "Input", {"shape": [4]}), ("fc", "Linear", {"out_features": 4})],
                                     [("in", "fc"), ("fc", "in")]),
     "in", ["an Input cannot receive edges (from fc)"]),
    ("conv on flat input", make_project([("in", "Input", {"shape": [784]}),
                                         ("conv1", "Conv2d", {"out_channels": 8, "kernel_size": 3})]),
     "conv1", ["Conv2d expects [C, H, W], got [784]"]),
    ("lstm on flat input", make_project([("in", "Input", {"shape": [10]}), ("rnn", "LSTM", {"hidden_size": 4})]),
     "rnn", ["LSTM expects a sequence [T, features], got [10]"]),
    ("kernel larger than input", make_project([("in", "Input", {"shape": [1, 4, 4]}),
                                               ("conv1", "Conv2d", {"out_channels": 2, "kernel_size": 5})]),
     "conv1", ["(4 + 2·0 − (5-1) − 1)/1 + 1 = 0 < 1", "kernel (5) is larger than the input (4)"]),
    ("pool shrinks below 1", make_project([("in", "Input", {"shape": [1, 8, 8]}),
                                           ("c", "Conv2d", {"out_channels": 2, "kernel_size": 3}),
                                           ("p1", "MaxPool2d", {"kernel_size": 2}),
                                           ("p2", "MaxPool2d", {"kernel_size": 4})]),
     "p2", ["MaxPool2d height becomes (3 + 2·0 − (4-1) − 1)/4 + 1 = 0 < 1"]),
    ("dilated kernel", make_project([("in", "Input", {"shape": [2, 6]}),
                                     ("c", "Conv1d", {"out_channels": 2, "kernel_size": 3, "dilation": 3})]),
     "c", ["Conv1d length becomes (6 + 2·0 − 3·(3-1) − 1)/1 + 1 = 0 < 1"]),
    ("edge to missing node", make_project([("in", "Input", {"shape": [4]}), ("fc", "Linear", {"out_features": 3})],
                                          [("in", "fc"), ("fc", "ghost")]),
     "fc", ['edge fc → ghost: there is no node "ghost"']),
    ("dangling output", make_project([("in", "Input", {"shape": [4]}), ("fc", "Linear", {"out_features": 3}),
                                      ("side", "Linear", {"out_features": 2}), ("out", "ReLU")],
                                     [("in", "fc"), ("fc", "out"), ("in", "side")]),
     "side", ["its output is not used", "the model's output is out"]),
    ("unconnected layer", make_project([("in", "Input", {"shape": [4]}), ("fc", "Linear", {"out_features": 3}),
                                        ("lonely", "ReLU")], [("in", "fc")]),
     "lonely", ["ReLU is not connected: it has no input"]),
    ("two edges into Linear", fork("a", "b", "Linear", merge_params={"out_features": 2}),
     "m", ["Linear takes one input, but 2 edges arrive (from a, b)", "merge them with Add or Concat"]),
    ("Add with one input", make_project([("in", "Input", {"shape": [4]}), ("m", "Add")]),
     "m", ["Add needs at least two inputs, got 1"]),
    ("Add mismatched shapes", fork("a", "b", "Add", b_out=5), "m", ["Add needs inputs of the same shape, got [3] + [5]"]),
    ("Concat mismatched", make_project([("in", "Input", {"shape": [2, 6, 6]}),
                                        ("a", "Conv2d", {"out_channels": 3, "kernel_size": 3}),
                                        ("b", "Conv2d", {"out_channels": 3, "kernel_size": 1}), ("m", "Concat", {"dim": 0})],
                                       [("in", "a"), ("in", "b"), ("a", "m"), ("b", "m")]),
     "m", ["Concat along dim 0 needs the other sizes equal, got [3, 4, 4], [3, 6, 6]"]),
    ("duplicate target_port", make_project([("in", "Input", {"shape": [4]}), ("a", "ReLU"), ("b", "Tanh"), ("m", "Add")],
                                           [("in", "a"), ("in", "b"), ("a", "m", 0), ("b", "m", 0)]),
     "m", ["two edges arrive on the same target_port"]),
    ("Embedding on float input", make_project([("in", "Input", {"shape": [6]}),
                                               ("emb", "Embedding", {"num_embeddings": 10, "embedding_dim": 4})]),
     "emb", ['Embedding needs token ids: set the Input\'s dtype to "long"']),
    ("Linear on token ids", make_project([("in", "Input", {"shape": [6], "dtype": "long"}),
                                          ("fc", "Linear", {"out_features": 3})]),
     "fc", ["needs float input but gets token ids", "put an Embedding before it"]),
    ("in_features stated wrongly", mlp(in_features=5), "fc",
     ["in_features is inferred from the incoming shape as 4, but the file says 5"]),
    ("in_channels stated wrongly", make_project([("in", "Input", {"shape": [1, 8, 8]}),
                                                 ("conv", "Conv2d", {"out_channels": 2, "kernel_size": 3,
                                                                     "in_channels": 3})]),
     "conv", ["in_channels is inferred from the incoming shape as 1, but the file says 3"]),
    ("heads do not divide", make_project([("in", "Input", {"shape": [5, 6]}), ("attn", "MultiheadAttention",
                                                                               {"num_heads": 4})]),
     "attn", ["embedding size (6) divisible by the number of heads (4)"]),
    ("sequence longer than max_len", make_project([("in", "Input", {"shape": [40, 8]}),
                                                   ("pe", "PositionalEncoding", {"max_len": 32})]),
     "pe", ["max_len (32) is shorter than the sequence (40)"]),
    ("Reshape impossible", make_project([("in", "Input", {"shape": [10]}), ("r", "Reshape", {"shape": [3, -1]})]),
     "r", ["Reshape cannot view [10] (10 values) as [3, -1]"]),
    ("Flatten end before start", make_project([("in", "Input", {"shape": [2, 3, 4]}),
                                               ("f", "Flatten", {"start_dim": 3, "end_dim": 1})]),
     "f", ["start_dim 3 comes after end_dim 1"]),
    ("Flatten dim out of range", make_project([("in", "Input", {"shape": [2, 3]}), ("f", "Flatten", {"end_dim": -5})]),
     "f", ["end_dim -5 is out of range for [2, 3]"]),
    ("1-D kernel with two sizes", make_project([("in", "Input", {"shape": [2, 9]}),
                                                ("c", "Conv1d", {"out_channels": 2, "kernel_size": [3, 3]})]),
     "c", ["Conv1d kernel_size takes one integer, got [3, 3]"]),
    ("groups do not divide the channels", make_project([("in", "Input", {"shape": [6, 8, 8]}),
                                                        ("dw", "Conv2d", {"out_channels": 8, "kernel_size": 3,
                                                                          "groups": 4})]),
     "dw", ["Conv2d groups (4) must divide the input channels (6)"]),
    ("groups do not divide out_channels", make_project([("in", "Input", {"shape": [4, 9]}),
                                                        ("c", "Conv1d", {"out_channels": 6, "kernel_size": 3,
                                                                         "groups": 4})]),
     "c", ["Conv1d groups (4) must divide out_channels (6)"]),
    ("output_padding not below the stride", make_project([("in", "Input", {"shape": [4, 3, 3]}),
                                                          ("up", "ConvTranspose2d", {"out_channels": 2, "kernel_size": 4,
                                                                                     "stride": 2, "output_padding": 2})]),
     "up", ["ConvTranspose2d output_padding (2) must be smaller than the stride (2)"]),
    ("transposed padding crops all", make_project([("in", "Input", {"shape": [4, 1, 1]}),
                                                   ("up", "ConvTranspose2d", {"out_channels": 2, "kernel_size": 2,
                                                                              "padding": 1})]),
     "up", ["ConvTranspose2d height becomes 0 < 1", "padding (1) crops"]),
    ("Dropout2d on a vector", make_project([("in", "Input", {"shape": [16]}), ("d", "Dropout2d")]),
     "d", ["Dropout2d expects [C, H, W] (it drops whole channels), got [16]"]),
    ("Permute not a permutation", make_project([("in", "Input", {"shape": [5, 4]}),
                                                ("p", "Permute", {"dims": [0, 2]})]),
     "p", ["Permute dims [0, 2] must order the sample's axes 0..1 of [5, 4], each once"]),
    ("LogSoftmax over the batch", make_project([("in", "Input", {"shape": [4]}), ("l", "LogSoftmax", {"dim": 0})]),
     "l", ["LogSoftmax over dim 0 mixes the samples of a batch"]),
    ("Scale on token ids", make_project([("in", "Input", {"shape": [6], "dtype": "long"}),
                                         ("s", "Scale", {"factor": 2.0})]),
     "s", ["Scale needs float input but gets token ids"]),
    ("duplicate id", make_project([("in", "Input", {"shape": [4]}), ("fc", "Linear", {"out_features": 3}),
                                   ("fc", "ReLU")], [("in", "fc")]),
     "fc", ["used by two nodes"]),
    ("too many parameters", make_project([("in", "Input", {"shape": [100_000]}),
                                          ("fc1", "Linear", {"out_features": 1_000_000}),
                                          ("fc2", "Linear", {"out_features": 1_000_000})]),
     "fc2", ["1,100,002,000,000 parameters", "above the limit of 200,000,000"]),
    ("too many activations", make_project([("in", "Input", {"shape": [3, 1000, 1000]}),
                                           ("big", "Conv2d", {"out_channels": 1000, "kernel_size": 1})]),
     "big", ["activations need", "MiB per sample", "the largest is [1000, 1000, 1000]"]),
    ("huge positional table", make_project([("in", "Input", {"shape": [2, 1_000_000]}),
                                            ("pe", "PositionalEncoding", {"max_len": 100_000})]),
     "pe", ["100,000,000,000 fixed values", "above the limit"]),
    ("huge input", make_project([("in", "Input", {"shape": [100_000, 100_000]}), ("r", "ReLU")]),
     "in", ["10,000,000,000 values per sample", "above the limit"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_check_names_the_node_and_the_reason(case):
    _, project, node, words = case
    report = check(project)
    assert not report.ok
    hits = [p for p in report.errors if p.node == node and all(w in p.message for w in words)]
    assert hits, f"no error on {node} saying {words}: {[str(p) for p in report.errors]}"
    if node is not None:
        assert str(hits[0]).startswith(f"{node}: ")  # how the CLI and the UI print it
    for p in report.errors:
        assert "\n" not in p.message and "Traceback" not in p.message


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_build_model_refuses_with_the_same_report(case):
    _, project, node, words = case
    with pytest.raises(GraphError) as info:
        build_model(project)
    assert any(p.node == node for p in info.value.report.errors)
    assert all(w in str(info.value) for w in words)


def test_conv_error_reads_exactly_as_the_issue_asks():
    project = make_project([("in", "Input", {"shape": [784]}), ("conv1", "Conv2d", {"out_channels": 8, "kernel_size": 3})])
    assert [str(p) for p in check(project).errors] == ["conv1: Conv2d expects [C, H, W], got [784]"]


def test_absurd_model_is_refused_fast_without_allocating():
    """A 4 TiB model: check and build_model answer in well under a second and the process does not grow."""
    project = CASES[[c[0] for c in CASES].index("too many parameters")][1]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB, peak so far
    start = time.perf_counter()
    report = check(project)
    with pytest.raises(GraphError):
        build_model(project)
    assert time.perf_counter() - start < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before < 100 * 1024  # < 100 MiB more
    assert report.param_counts == {"fc1": 100_001_000_000, "fc2": 1_000_001_000_000}  # exact, from meta modules


def test_every_problem_is_reported_not_only_the_first():
    project = make_project([("in", "Input", {"shape": [4]}), ("a", "Linaer", {"out_features": 3}),
                            ("b", "Linear", {"out_features": -1}), ("c", "Dropout", {"p": "x"})])
    nodes = {p.node for p in check(project).errors}
    assert {"a", "b", "c"} <= nodes


def test_errors_downstream_of_a_broken_node_are_not_invented():
    """A bad node's successors get no shape but no made-up errors: one cause, one message."""
    project = make_project([("in", "Input", {"shape": [4]}), ("fc", "Linear", {"out_features": -2}),
                            ("r", "ReLU"), ("out", "Linear", {"out_features": 2})])
    report = check(project)
    assert [p.node for p in report.errors] == ["fc"]
    assert "r" not in report.shapes and "out" not in report.shapes and report.shapes["in"] == (4,)


@pytest.mark.parametrize("branches", [("a", "b"), ("b", "a"), ("zz", "aa")])
def test_order_and_cycle_names_follow_the_file_not_string_hashes(branches):
    """The topological order (the CLI table, the cycle message) is the same on every run and machine."""
    x, y = branches
    project = make_project([("in", "Input", {"shape": [4]}), (x, "ReLU"), (y, "Tanh"), ("m", "Add")],
                           [("in", x), ("in", y), (x, "m"), (y, "m")])
    assert check(project).order == ["in", x, y, "m"]


def test_softmax_before_the_loss_is_a_warning_not_an_error():
    project = make_project([("in", "Input", {"shape": [4]}), ("fc", "Linear", {"out_features": 3}), ("sm", "Softmax")])
    report = check(project)
    assert report.ok and [p.node for p in report.warnings] == ["sm"]
    assert "CrossEntropyLoss" in report.warnings[0].message


def test_torch_warnings_become_node_warnings_not_stderr(capfd):
    """torch warns (on stderr) about dropout on a one-layer LSTM; check turns it into the node's warning."""
    project = make_project([("in", "Input", {"shape": [5, 4]}), ("rnn", "LSTM", {"hidden_size": 8, "dropout": 0.5}),
                            ("p", "SequencePool")])
    for _ in range(2):  # the second time from the count cache: the warning must still be there
        report = check(project)
        assert report.ok and [p.node for p in report.warnings] == ["rnn"]
        assert "non-zero dropout expects num_layers greater than 1" in report.warnings[0].message
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("text, words", [
    ("{not json", ["not valid JSON"]),
    ('{"format": "neurocanvas/2", "graph": {"nodes": [], "edges": []}}', ['"format" must be "neurocanvas/1"', "neurocanvas/2"]),
    ('{"graph": {"nodes": [], "edges": []}}', ['"format" must be "neurocanvas/1"', "None"]),
    ("[1, 2]", ["a project is a JSON object, got list"]),
    ('{"format": "neurocanvas/1", "graph": {"nodes": [{"type": "ReLU"}], "edges": []}}', ['graph.nodes[0] needs a non-empty string "id"']),
    ('{"format": "neurocanvas/1", "graph": {"nodes": [], "edges": [{"source": "a"}]}}', ['graph.edges[0] needs a string "target"']),
    ('{"format": "neurocanvas/1", "graph": {"nodes": [{"id": "a", "type": "ReLU", "params": [1]}], "edges": []}}',
     ['node a: "params" must be an object']),
])
def test_unreadable_files_name_the_file_and_the_field(tmp_path, text, words):
    path = tmp_path / "broken.json"
    path.write_text(text)
    report = check(path)
    assert not report.ok and len(report.errors) == 1
    message = report.errors[0].message
    assert str(path) in message and all(w in message for w in words), message


def test_missing_file_is_a_readable_error(tmp_path):
    report = check(tmp_path / "nope.json")
    assert not report.ok and "nope.json: cannot read" in report.errors[0].message


# ---------------------------------------------------------------- the command line

def _write(tmp_path, name, project) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(project if isinstance(project, str) else json.dumps(project))
    return path


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_cli_prints_one_line_per_problem_in_process(tmp_path, capsys, case):
    name, project, node, words = case
    path = _write(tmp_path, "p", project)
    code = cli_main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code != 0 and "Traceback" not in out + err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(check(project).errors)  # one line per problem
    assert any(line.startswith(f"error: {node}: " if node else "error: ") and all(w in line for w in words)
               for line in errors), err
    assert "total trainable parameters" not in out


def _run_cli(*args):
    return subprocess.run([sys.executable, "-m", "builder", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_cli_valid_project_prints_the_table_and_total():
    proc = _run_cli("check", ROOT / "presets" / "simplenet_digits.json")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["node", "type", "output", "shape", "params"]
    rows = {line.split()[0]: line for line in lines[2:8]}
    assert set(rows) == {"in", "fc1", "relu1", "fc2", "relu2", "out"}
    assert "[128]" in rows["fc1"] and rows["fc1"].rstrip().endswith("8,320")
    assert "[10]" in rows["out"] and rows["out"].rstrip().endswith("650")
    assert "total trainable parameters: 17,226" in proc.stdout  # 64·128+128 + 128·64+64 + 64·10+10
    assert "Traceback" not in proc.stdout + proc.stderr


def test_cli_subprocess_many_problems_one_line_each(tmp_path):
    """One file with four faults: python -m builder check prints a line for each, naming its node."""
    project = make_project(
        [("in", "Input", {"shape": [784]}), ("conv1", "Conv2d", {"out_channels": 8, "kernel_size": 3}),
         ("fc", "Linaer", {"out_features": 3}), ("big1", "Linear", {"out_features": 1_000_000}),
         ("big2", "Linear", {"out_features": 1_000_000}), ("lonely", "ReLU"), ("m", "Add")],
        [("in", "conv1"), ("in", "fc"), ("in", "big1"), ("big1", "big2"),
         ("conv1", "m"), ("fc", "m"), ("big2", "m")])
    expected = {"conv1": "Conv2d expects [C, H, W], got [784]", "fc": "did you mean Linear?",
                "big2": "above the limit of 200,000,000", "lonely": "is not connected"}
    report = check(project)
    assert {p.node for p in report.errors} >= set(expected)
    proc = _run_cli("check", _write(tmp_path, "bad", project))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stdout + proc.stderr and proc.stdout == ""
    lines = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == len(report.errors)
    for node, words in expected.items():
        assert any(line.startswith(f"error: {node}: ") and words in line for line in lines), (node, proc.stderr)


def test_cli_subprocess_malformed_json(tmp_path):
    path = _write(tmp_path, "bad", '{"format": "neurocanvas/1", "graph": ')
    proc = _run_cli("check", path)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stdout + proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and str(path) in proc.stderr and "not valid JSON" in proc.stderr


@pytest.mark.parametrize("content", ["{not json", '{"format": "other/1"}', None])
def test_cli_unreadable_file_in_process(tmp_path, capsys, content):
    path = tmp_path / "missing.json" if content is None else _write(tmp_path, "bad", content)
    code = cli_main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code != 0 and out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and str(path) in err
