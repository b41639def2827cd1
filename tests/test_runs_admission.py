"""runs.admission through the registry itself (no page): the epoch limit, a class's locks over the whole project
(the lesson and its own variants run under any lock, nothing else does), the time limit that ends a run."""
import copy
import time

import pytest

from i18n import set_language
from presets import apply_variant
from runs.admission import Refused
from runs.classes import Classes
from runs.registry import Registry
from runs.store import Store
from tests.test_runs_capacity import FakeJob


def lesson():
    return {"format": "neurocanvas/1", "name": "Lesson",
            "graph": {"nodes": [{"id": "in", "type": "Input", "params": {"shape": [64]}, "pos": [0, 0]},
                                {"id": "act", "type": "ReLU", "params": {}, "pos": [0, 100]},
                                {"id": "out", "type": "Linear", "params": {"out_features": 10}, "pos": [0, 200]}],
                      "edges": [{"source": "in", "target": "act"}, {"source": "act", "target": "out"}]},
            "training": {"dataset": "digits", "epochs": 2},
            "variants": [{"id": "tanh", "label": {"en": "Tanh"}, "set": {"act.type": "Tanh"}},
                         {"id": "long", "label": {"en": "longer"}, "set": {"training.epochs": 4}}]}


@pytest.fixture
def school(tmp_path):
    """A registry on a store with classes: (registry, classes)."""
    store = Store(tmp_path / "nc.sqlite")
    reg = Registry(job_factory=FakeJob, orphan_timeout=60, max_active=50, per_workspace=50)
    reg.attach_store(store)
    yield reg, Classes(*store.shared())
    store.close()


def student(classes, changes, locked=False):
    code, _key = classes.create("Tiny", lesson(), changes=changes)
    classes.set_locked(code, locked)
    return classes.join(code, "Ana").ws


def test_a_run_over_the_epoch_limit_is_refused_before_it_is_queued(monkeypatch):
    reg = Registry(job_factory=FakeJob, orphan_timeout=60)
    with pytest.raises(Refused, match=r"training\.epochs: 1,000,000 is more than .*10,000 epochs per run, "
                                      r"NEUROCANVAS_MAX_EPOCHS"):
        reg.submit("w1", {"training": {"epochs": 1_000_000}})
    monkeypatch.setenv("NEUROCANVAS_MAX_EPOCHS", "5")
    with pytest.raises(Refused, match="6 is more than"):
        reg.submit("w1", {"training": {"epochs": 6}})
    assert reg.runs("w1") == [] and reg.submit("w1", {"training": {"epochs": 5}}).status == "running"
    set_language("zh")
    try:
        with pytest.raises(Refused) as refused:
            reg.submit("w1", {"training": {"epochs": 6}})
        assert "NEUROCANVAS_MAX_EPOCHS" in str(refused.value) and "epochs per run" not in str(refused.value)
    finally:
        set_language("en")


@pytest.mark.parametrize("changes", ["training", "none"])
def test_a_locked_class_takes_the_lesson_and_its_own_variants_only(school, changes):
    reg, classes = school
    ws = student(classes, changes)
    moved = lesson()
    moved["graph"]["nodes"][1]["pos"] = [300, 300]  # positions are the student's in every class
    assert reg.submit(ws, moved).status == "running"
    for variant in ("tanh", "long"):  # "Run all variants" of the lesson
        assert reg.submit(ws, apply_variant(lesson(), variant), group="g").status == "running"
    linked = lesson()  # a share link, the gallery or an upload: the lesson's network with its own variants
    linked["variants"] = [{"id": "wide", "set": {"out.out_features": 4096}}]
    with pytest.raises(Refused, match=r"differs from the lesson in the lesson's name, description and variants"):
        reg.submit(ws, linked)
    with pytest.raises(Refused, match="variants"):
        reg.submit(ws, apply_variant(linked, "wide"))
    other = copy.deepcopy(lesson())
    other["graph"]["nodes"][2]["params"]["out_features"] = 4096
    with pytest.raises(Refused, match=r"lets its students change .*: this run differs from the lesson in the network"):
        reg.submit(ws, other)
    assert len(reg.runs(ws)) == 3, "nothing refused was queued"


def test_only_nothing_but_train_fixes_the_training_settings(school):
    reg, classes = school
    longer = lesson()
    longer["training"]["epochs"] = 9
    assert reg.submit(student(classes, "training"), longer).status == "running"
    with pytest.raises(Refused, match="in the training settings"):
        reg.submit(student(classes, "none"), longer)
    everything = lesson()
    everything.update(name="mine", variants=[], graph={"nodes": [], "edges": []})
    assert reg.submit(student(classes, "all"), everything).status == "running"
    assert reg.submit("not-a-member", everything).status == "running"


def test_a_paused_class_starts_no_run_and_classes_share_the_queue_as_clients(school):
    reg, classes = school
    with pytest.raises(Refused, match="paused the class"):
        reg.submit(student(classes, "all", locked=True), lesson())
    ws = student(classes, "all")
    run = reg.submit(ws, lesson())
    assert run.client == f"class:{classes.member(ws).code}" and reg.submit("w1", {}).client == "ws:w1"


def test_a_run_at_its_time_limit_ends_saying_so_with_its_curve(monkeypatch, seed_mlp):
    from trainers import TrainingJob
    monkeypatch.setenv("NEUROCANVAS_RUN_MINUTES", "0.03")  # 1.8 s
    project = copy.deepcopy(seed_mlp)
    project["training"]["epochs"] = 5000
    reg = Registry(job_factory=TrainingJob, orphan_timeout=60)
    run = reg.submit("w1", project)
    deadline = time.time() + 60
    while run.final is None and time.time() < deadline:
        time.sleep(0.2)
        reg.pump()
    final = run.final
    assert final["status"] == "stopped" and final["steps"]["step"], final
    assert final["message_n"][0].startswith("stopped at this server's time limit of {minutes} minutes")
    assert "time limit of 0.03 minutes" in final["message"] and "NEUROCANVAS_RUN_MINUTES" in final["message"]
    assert run.job.state_dict().keys() == run.job.model.state_dict().keys()  # the weights it reached are kept
