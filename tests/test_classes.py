"""runs.classes, runs.challenge, runs.board: classes survive a restart, keys are hashed, bounds hold,
challenges are judged from the trained project and its snapshot."""
import pytest

from runs import board, challenge
from runs.classes import ALPHABET, ClassError, Classes, clean_name, normal_code
from runs.store import Store


def _classes(path):
    return Classes(*Store(path).shared())


def _snap(status="finished", acc=(0.5, 0.9)):
    return {"status": status, "epochs": {"epoch": list(range(1, len(acc) + 1)), "val_accuracy": list(acc)},
            "progress": {"fraction": 0.4}}


def test_a_class_and_its_members_survive_a_new_store(tmp_path, seed_mlp):
    db = _classes(tmp_path / "nc.sqlite")
    code, key = db.create("SimpleNet", seed_mlp, lang="zh", changes="training")
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    ana = db.join(code, "  Ana  ")
    db.join(code.lower(), "Bo")
    db.set_locked(code, True)
    again = _classes(tmp_path / "nc.sqlite")
    klass = again.get(code)
    assert (klass.title, klass.lesson, klass.lang, klass.changes, klass.locked) == \
        ("SimpleNet", seed_mlp, "zh", "training", True)
    assert klass.allows() == "none"
    assert [m.name for m in again.members(code)] == ["Ana", "Bo"]
    assert again.member(ana.ws).name == "Ana" and again.member(ana.ws).code == code
    assert again.is_teacher(code, key)


def test_the_teacher_key_is_stored_hashed_and_checked_exactly(tmp_path, seed_mlp):
    db = _classes(tmp_path / "nc.sqlite")
    code, key = db.create("x", seed_mlp)
    raw = (tmp_path / "nc.sqlite").read_bytes() + (tmp_path / "nc.sqlite-wal").read_bytes()
    assert key.encode() not in raw
    for wrong in (key[:-1] + ("A" if key[-1] != "A" else "B"), "", None, "x" * 500, key + "'--"):
        assert not db.is_teacher(code, wrong)
    other, _ = db.create("y", seed_mlp)
    assert not db.is_teacher(other, key)


@pytest.mark.parametrize("code", [None, "", "abc", "'; DROP TABLE classes; --", "O0I1L5", "x" * 1000, 42])
def test_codes_from_the_url_are_checked(tmp_path, code, seed_mlp):
    db = _classes(tmp_path / "nc.sqlite")
    assert db.get(code) is None and not db.is_teacher(code, "k" * 20)
    with pytest.raises(ClassError):
        db.join(code, "Ana")


def test_names_are_cleaned_and_unique_in_a_class(tmp_path, seed_mlp):
    db = _classes(tmp_path / "nc.sqlite")
    code, _ = db.create("x", seed_mlp)
    db.join(code, "Ana Li")
    with pytest.raises(ClassError, match="already joined"):
        db.join(code, "ana   li")
    for bad in ("", "   ", "x" * 41, "a\x00b", None):
        with pytest.raises(ClassError):
            clean_name(bad)
    assert normal_code(" abc-def ") == "ABCDEF" and normal_code("ABCDE0") is None


def test_bounds_on_students_and_classes(tmp_path, monkeypatch, seed_mlp):
    monkeypatch.setenv("NEUROCANVAS_MAX_STUDENTS", "2")
    monkeypatch.setenv("NEUROCANVAS_MAX_CLASSES", "2")
    db = _classes(tmp_path / "nc.sqlite")
    code, _ = db.create("x", seed_mlp)
    db.join(code, "a")
    db.join(code, "b")
    with pytest.raises(ClassError, match="full"):
        db.join(code, "c")
    db.create("y", seed_mlp)
    with pytest.raises(ClassError, match="limit"):
        db.create("z", seed_mlp)


GOAL = {"metric": "val_accuracy", "op": ">=", "value": 0.8, "max_params": 10000, "layers": ["Linear", "ReLU"],
        "dataset": "digits", "max_epochs": 3}


def test_a_challenge_is_judged_from_the_trained_project(seed_mlp):
    goal = challenge.clean({**GOAL, "junk": 1, "max_params": "9"})
    assert "junk" not in goal and "max_params" not in goal
    ok, value, why = challenge.judge(GOAL, seed_mlp, _snap())
    assert ok is False and value == 0.9
    assert any("parameters" in w for w in why)  # 17,226 parameters: over 10,000
    small = {**seed_mlp, "graph": {"nodes": [n for n in seed_mlp["graph"]["nodes"] if n["id"] in ("in", "out")],
                                   "edges": [{"source": "in", "target": "out"}]}}
    assert challenge.judge(GOAL, small, _snap()) == (True, 0.9, [])
    assert "the target is" in challenge.judge(GOAL, small, _snap(acc=(0.5, 0.7)))[2][0]
    assert "has not finished" in challenge.judge(GOAL, small, _snap("running"))[2][0]
    other = {**small, "training": {**small["training"], "dataset": "iris", "epochs": 9}}
    why = challenge.judge(GOAL, other, _snap())[2]
    assert any("iris" in w for w in why) and any("9 epochs" in w for w in why)
    tanh = {**small, "graph": {**small["graph"], "nodes": small["graph"]["nodes"] + [
        {"id": "t", "type": "Tanh", "params": {}}]}}
    assert any("t is a Tanh" in w for w in challenge.judge(GOAL, tanh, _snap())[2])


def test_the_board_ranks_those_who_meet_the_challenge(seed_mlp):
    small = {**seed_mlp, "graph": {"nodes": [n for n in seed_mlp["graph"]["nodes"] if n["id"] in ("in", "out")],
                                   "edges": [{"source": "in", "target": "out"}]}}
    broken = {**small, "graph": {**small["graph"], "edges": []}}
    rows = [board.row("Ana", small, [(small, _snap(acc=(0.85,)))], "val_accuracy", goal=GOAL),
            board.row("Bo", small, [(small, _snap(acc=(0.95,)))], "val_accuracy", goal=GOAL),
            board.row("Cy", seed_mlp, [(seed_mlp, _snap(acc=(0.99,)))], "val_accuracy", goal=GOAL),
            board.row("Di", broken, [], "val_accuracy", goal=GOAL),
            board.row("Ed", small, [(small, _snap("running"))], "val_accuracy", goal=GOAL)]
    ranked = board.ranked(rows)
    assert [(r["student"], r["rank"]) for r in ranked] == \
        [("Bo", 1), ("Ana", 2), ("Cy", None), ("Di", None), ("Ed", None)]
    by = {r["student"]: r for r in ranked}
    assert by["Cy"]["best"] == 0.99 and "parameters" in by["Cy"]["why"] and by["Cy"]["status"] == "finished"
    assert by["Di"]["status"].startswith("invalid graph") and by["Di"]["runs"] == 0
    assert (by["Ed"]["status"], by["Ed"]["phase"]) == ("training 40%", "training") and by["Ana"]["parameters"] == 650
    moved = {**small, "training": {**small["training"], "epochs": 2}}
    assert board.row("Fa", moved, [(small, _snap())], "val_accuracy")["status"] == "editing"
