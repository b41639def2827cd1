"""Presets without training: every file checks, lessons are bilingual, targets and variants are well formed."""
from __future__ import annotations

import copy
import re

import pytest

import builder
import presets
from builder.cli import main as builder_cli
from trainers import TrainingSettings, load_dataset

NAMES = [p.name for p in presets.list_presets()]
COMPARISONS = [n for n in NAMES if presets.load_preset(n).get("variants")]
CJK = re.compile(r"[\u4e00-\u9fff]")
SECTIONS = {"en": ("**What it shows.**", "**What to watch.**", "**Try this.**"),
            "zh": ("**演示内容。**", "**观察要点。**", "**动手试试。**")}
# The issue's list, by the concept each lesson declares.
CONCEPTS = {"feed-forward", "decision-boundary", "activations", "convolution", "recurrent-memory", "forecasting",
            "attention", "residual", "overfitting", "vanishing-gradients", "optimizers", "autoencoder",
            "regression"}


def test_the_gallery_covers_the_issue_list_in_order():
    infos = presets.list_presets()
    assert len(infos) >= 12
    assert {p.concept for p in infos} >= CONCEPTS
    orders = [p.order for p in infos]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    assert infos[0].name == "simplenet_digits"


@pytest.mark.parametrize("name", NAMES)
def test_the_cli_checks_every_preset(name, capsys):
    assert builder_cli(["check", str(presets.HERE / f"{name}.json")]) == 0
    assert "total trainable parameters" in capsys.readouterr().out


@pytest.mark.parametrize("name", NAMES)
def test_every_variant_is_a_valid_project_with_the_same_seed(name):
    project = presets.load_preset(name)
    for variant in project.get("variants", []):
        applied = presets.apply_variant(project, variant["id"])
        report = builder.check(builder.load_project(applied))
        assert report.ok, f"{name}/{variant['id']}: {[str(p) for p in report.errors]}"
        assert applied["training"]["seed"] == project["training"]["seed"]  # a fair comparison
        assert set(variant["label"]) == {"en", "zh"}
    ids = [v["id"] for v in project.get("variants", [])]
    assert len(ids) == len(set(ids))


def test_comparison_presets_offer_every_side_of_the_comparison():
    assert {"activations_compared", "memory_rnn_lstm_gru", "residual_deep", "overfitting", "vanishing_gradients",
            "optimizers_race", "transformer_reverse"} <= set(COMPARISONS)
    for name in COMPARISONS:
        base = presets.load_preset(name)
        assert len(base["variants"]) >= 2
        # the base itself is one of the buttons, so the overlay shows every side
        applied = [presets.apply_variant(base, v["id"]) for v in base["variants"]]
        assert any(a["graph"] == base["graph"] and a["training"] == base["training"] for a in applied), name


@pytest.mark.parametrize("name", NAMES)
def test_lessons_are_bilingual_and_follow_the_three_parts(name):
    project = presets.load_preset(name)
    for lang in presets.LANGS:
        text = presets.lesson(project, lang)
        assert text["title"] and text["summary"] and len(text["body"]) > (400 if lang == "en" else 200)
        positions = [text["body"].find(s) for s in SECTIONS[lang]]
        assert -1 not in positions and positions == sorted(positions), (name, lang)
    zh = presets.lesson(project, "zh")
    assert all(CJK.search(zh[k]) for k in ("title", "summary", "body"))
    en = presets.lesson(project, "en")
    assert not any(CJK.search(en[k]) for k in ("title", "summary", "body"))


@pytest.mark.parametrize("name", NAMES)
def test_training_settings_and_target_fit_the_data_set(name):
    project = presets.load_preset(name)
    settings = TrainingSettings.from_dict(project["training"])
    data = load_dataset(settings.dataset, **settings.dataset_options)
    target = project["lesson"]["target"]
    assert target["metric"] in presets.METRICS and target["op"] in presets.OPS
    wants = "classification" if target["metric"].endswith("accuracy") else "regression"
    if target["metric"] in ("val_r2", "val_mae"):
        assert data.task == "regression", name
    elif wants == "classification":
        assert data.task == "classification", name
    assert settings.device == "auto" and settings.epochs <= 150


def test_list_presets_reads_titles_summaries_targets_and_variants():
    info = {p.name: p for p in presets.list_presets()}
    simple = info["simplenet_digits"]
    assert simple.title("zh").startswith("SimpleNet") and CJK.search(simple.title("zh"))
    assert simple.target == {"metric": "val_accuracy", "op": ">=", "value": 0.93}
    assert info["optimizers_race"].variants == ("adam", "sgd", "momentum", "rmsprop")
    assert simple.title("fr") == simple.title("en")


def test_load_preset_names_the_choices_and_refuses_paths():
    with pytest.raises(presets.PresetError, match="simplenet_digits"):
        presets.load_preset("nope")
    with pytest.raises(presets.PresetError):
        presets.load_preset("../presets/simplenet_digits")


def test_lesson_falls_back_to_english_and_is_none_for_plain_projects():
    project = presets.load_preset("lenet_digits")
    assert presets.lesson(project, "de")["title"] == project["lesson"]["en"]["title"]
    assert presets.lesson(project, "zh")["target"] == project["lesson"]["target"]
    assert presets.lesson({"format": "neurocanvas/1", "graph": {"nodes": [], "edges": []}}) is None


def test_apply_variant_sets_params_and_training_without_touching_the_base():
    base = presets.load_preset("optimizers_race")
    before = copy.deepcopy(base)
    sgd = presets.apply_variant(base, "momentum")
    assert sgd["training"]["optimizer"] == {"type": "SGD", "lr": 0.01, "momentum": 0.9}
    assert sgd["name"] == f"{base['name']} — SGD + momentum" and sgd["active_variant"] == "momentum"
    assert base == before
    act = presets.apply_variant(presets.load_preset("activations_compared"), "sigmoid")
    assert {n["type"] for n in act["graph"]["nodes"] if n["id"].startswith("act")} == {"Sigmoid"}


def test_apply_variant_replaces_the_graph():
    base = presets.load_preset("residual_deep")
    plain = presets.apply_variant(base, "plain")
    assert not any(n["type"] == "Add" for n in plain["graph"]["nodes"])
    assert any(n["type"] == "Add" for n in base["graph"]["nodes"])
    assert plain["training"] == base["training"]


def test_apply_variant_errors_name_the_variant_and_the_node():
    base = presets.load_preset("overfitting")
    with pytest.raises(presets.PresetError, match="no variant 'x'.*dropout"):
        presets.apply_variant(base, "x")
    broken = {**base, "variants": [{"id": "bad", "set": {"ghost.params.p": 0.1}}]}
    with pytest.raises(presets.PresetError, match="variant bad.*'ghost'"):
        presets.apply_variant(broken, "bad")


def test_targets_read_the_last_epoch_and_describe_themselves():
    target = {"metric": "val_accuracy", "op": ">=", "value": 0.93}
    assert presets.target_result(target, {"epochs": {"val_accuracy": [0.95, 0.94]}}) == (0.94, True)
    assert presets.target_result(target, {"epochs": {"val_accuracy": [0.99, 0.9]}}) == (0.9, False)
    assert presets.target_result(target, {"epochs": {}}) == (None, False)
    assert presets.target_result({"metric": "val_loss", "op": "<=", "value": 0.5},
                                 {"epochs": {"val_loss": [0.7, 0.4]}}) == (0.4, True)
    with pytest.raises(presets.PresetError, match="op"):
        presets.target_result({"metric": "val_loss", "op": "<", "value": 1}, {"epochs": {}})
    assert presets.describe_target(target) == "validation accuracy ≥ 0.93"
    assert presets.describe_target(target, "zh") == "验证集准确率 ≥ 0.93"
    assert presets.describe_target(None) == ""
