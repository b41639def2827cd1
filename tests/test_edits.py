"""Edits as operations: one function applies them to a checked project; problems name node and field; locks."""
import copy
import dataclasses
import inspect

import pytest

import builder.node_ops as node_ops
import builder.ops as ops
from builder.checked_project import Checked, from_doc
from builder.edits import allowed, apply, between
from builder.frozen import thaw
from builder.locks import FIXED, PARTS
from builder.node_ops import (AddNode, Connect, Disconnect, InsertNode, Move, RemoveNode, Rename, SetParam)
from builder.ops import ApplyFix, Replace, ReplaceTraining, SetGraph, SetMeta, set_training
from builder.report import Problem
from tests.graph_factory import make_project


@pytest.fixture
def mlp():
    return make_project([("in", "Input", {"shape": [64]}), ("fc1", "Linear", {"out_features": 32}), ("act", "ReLU"),
                         ("out", "Linear", {"out_features": 10})], training={"dataset": "digits", "epochs": 2})


def every_op():
    return [c for m in (ops, node_ops) for c in vars(m).values()
            if inspect.isclass(c) and issubclass(c, ops.Op) and c is not ops.Op and c.__module__ == m.__name__]


def test_every_operation_names_the_parts_it_changes_in_the_terms_of_the_locks():
    kinds = every_op()
    assert {"SetParam", "Rename", "AddNode", "RemoveNode", "Connect", "Disconnect", "Move", "InsertNode", "SetGraph",
            "SetTraining", "ReplaceTraining", "SetMeta", "ApplyFix", "Replace"} <= {c.__name__ for c in kinds}
    for kind in kinds:
        if kind is not ApplyFix:  # a fix's parts are its edits'
            assert kind.parts and kind.parts <= set(PARTS), kind


def test_a_parameter_edit_gives_the_next_checked_project_and_leaves_the_one_before(mlp):
    before = from_doc(mlp)
    after = apply(before, SetParam("fc1", "out_features", 16))
    assert isinstance(after, Checked) and after.ok and after.report.shapes["fc1"] == (16,)
    assert before.report.shapes["fc1"] == (32,) and before.doc["graph"]["nodes"][1]["params"]["out_features"] == 32
    assert after.doc["graph"]["nodes"][0] is before.doc["graph"]["nodes"][0], "unchanged parts are shared"
    assert after.doc["training"] is before.doc["training"]


@pytest.mark.parametrize("op, node, field, words", [
    (SetParam("fc1", "out_features", 0), "fc1", "out_features", "must be ≥ 1"),
    (SetParam("fc1", "out_features", "many"), "fc1", "out_features", "must be an integer"),
    (SetParam("fc1", "kernel", 3), "fc1", "kernel", "has no parameter"),
    (SetParam("nope", "p", 1), "nope", "p", "there is no node"),
    (Rename("fc1", "act"), "fc1", "id", "already called act"),
    (Rename("fc1", "x" * 65), "fc1", "id", "above the limit of 64"),
    (Rename("fc1", "2nd"), "fc1", "id", "not a Python identifier"),
    (Rename("fc1", "forward"), "fc1", "id", "the PyTorch module itself needs"),
    (AddNode({"id": "act", "type": "ReLU", "params": {}}), "act", "id", "already called"),
    (RemoveNode("ghost"), "ghost", None, "there is no node"),
    (Disconnect("in", "out"), "out", None, "there is no edge"),
    (Move((("fc1", [1, "y"]),)), "fc1", "pos", "must be [x, y]"),
])
def test_an_edit_that_cannot_apply_is_a_problem_naming_node_and_field(mlp, op, node, field, words):
    before = from_doc(mlp)
    problem = apply(before, op)
    assert isinstance(problem, Problem), problem
    assert (problem.node, problem.field) == (node, field) and words in problem.message, str(problem)
    assert before.doc == from_doc(mlp).doc  # nothing changed


def test_graph_operations(mlp):
    value = from_doc(mlp)
    renamed = apply(value, Rename("fc1", "hidden"))
    assert [e["target"] for e in renamed.doc["graph"]["edges"]][:1] == ["hidden"] and renamed.ok
    removed = apply(value, RemoveNode("act"))
    assert {"act"} & {e["source"] for e in removed.doc["graph"]["edges"]} == set()
    assert removed.report.problems_for("out"), "the unwired output is named by check"
    rewired = apply(removed, Connect("fc1", "out"))
    assert rewired.ok
    added = apply(value, AddNode({"id": "extra", "type": "ReLU", "params": {}}), Connect("out", "extra"))
    assert added.ok and added.report.output_node == "extra"
    moved = apply(value, Move((("fc1", [40, 50]),)))
    assert moved.doc["graph"]["nodes"][1]["pos"] == [40, 50] and moved.digest == value.digest  # layout only
    inserted = apply(value, InsertNode("Dropout", {"p": 0.1}, after="fc1"))
    assert [n["id"] for n in inserted.doc["graph"]["nodes"]][-1] == "dropout1" and inserted.ok


def test_several_operations_are_one_edit_checked_once(mlp, monkeypatch):
    import builder.checked_project as door
    ran = []
    real = door.run_check
    monkeypatch.setattr(door, "run_check", lambda g: ran.append(1) or real(g))
    value = from_doc(mlp)
    ran.clear()
    after = apply(value, SetParam("fc1", "out_features", 17), SetParam("out", "out_features", 9), set_training(epochs=3))
    assert after.ok and after.doc["training"]["epochs"] == 3 and ran == [1]  # one check for the whole edit
    assert apply(value, SetParam("fc1", "out_features", 17), SetParam("out", "out_features", 9)).ok and ran == [1]


def test_the_document_is_read_only_and_copies_are_plain(mlp):
    value = from_doc(mlp)
    with pytest.raises(TypeError, match="read-only"):
        value.doc["graph"]["nodes"][1]["params"]["out_features"] = 3
    with pytest.raises(TypeError):
        value.doc["training"].update(epochs=9)
    with pytest.raises(TypeError):
        value.doc["graph"]["nodes"].append({})
    mine = copy.deepcopy(value.doc)
    mine["graph"]["nodes"][1]["params"]["out_features"] = 3  # a deep copy is the caller's own
    assert thaw(value.doc) == mlp


def test_a_class_lock_is_a_rule_over_operations(mlp):
    value = from_doc(mlp)
    for changes, fixed in FIXED.items():
        for op in (SetParam("fc1", "out_features", 8), set_training(epochs=5), SetMeta((("name", "mine"),)),
                   Move((("fc1", [9, 9]),))):
            result = apply(value, op, changes=changes)
            refused = bool(op.parts & fixed)
            assert isinstance(result, Problem) == refused, (changes, op)
            if refused:
                assert result.field in fixed and result.node == getattr(op, "node", None)
    assert isinstance(apply(value, Replace(mlp), changes="training"), Problem)


def test_between_gives_one_operation_per_part_so_a_lock_keeps_what_it_may(mlp):
    edited = copy.deepcopy(mlp)
    edited["graph"]["nodes"] = edited["graph"]["nodes"][:2]
    edited["graph"]["edges"] = edited["graph"]["edges"][:1]
    edited["training"]["epochs"] = 5
    edited["name"] = "mine"
    found = between(mlp, edited)
    assert [type(o) for o in found] == [SetGraph, ReplaceTraining, SetMeta]
    kept, refused = allowed(found, "training")
    held = apply(from_doc(mlp), *kept, changes="training")
    assert thaw(held.doc["graph"]) == mlp["graph"] and held.doc["training"]["epochs"] == 5
    assert held.doc["name"] == "test" and {p.field for p in refused} == {"graph", "project"}
    moved = copy.deepcopy(mlp)
    moved["graph"]["nodes"][0]["pos"] = [5, 5]
    assert [type(o) for o in between(mlp, moved)] == [Move]


def test_a_fix_is_one_operation_made_of_the_same_operations():
    from builder.fixes import with_fixes
    net = make_project([("in", "Input", {"shape": [64]}), ("c", "Conv2d", {"out_channels": 2, "kernel_size": 3})])
    value = with_fixes(from_doc(net))
    (fix,) = value.report.errors[0].fixes
    assert all(isinstance(e, ops.Op) for e in fix.edits) and ApplyFix(fix).parts == {"graph"}
    after = apply(value, ApplyFix(fix))
    assert after.ok and after.doc["graph"]["nodes"][0]["params"]["shape"] == [1, 8, 8]
    assert dataclasses.is_dataclass(fix) and fix.to_dict()["edits"][0]["op"] == "SetParam"


def test_a_lock_lets_an_edit_through_that_leaves_the_project_one_of_the_class_s_own(mlp):
    variant = copy.deepcopy(mlp)
    variant["graph"]["nodes"][2]["type"], variant["name"] = "Tanh", "test — Tanh"
    value, bases = from_doc(mlp), (mlp, variant)
    assert isinstance(apply(value, Replace(variant), changes="training"), Problem)
    opened = apply(value, Replace(variant), changes="training", bases=bases)  # the lesson's own variant
    assert isinstance(opened, Checked) and opened.doc["graph"]["nodes"][2]["type"] == "Tanh"
    refused = apply(opened, SetParam("fc1", "out_features", 3), changes="training", bases=bases)
    assert isinstance(refused, Problem) and (refused.node, refused.field) == ("fc1", "graph")
