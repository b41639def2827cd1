"""Concept cards: every layer, activation, loss, optimizer, schedule and regulariser has one in English and
Chinese; their pictures are computed by torch and are right; a missing language falls back to English."""
import math

import pytest
import torch

from builder.catalogue import LAYERS
from presets import list_presets
from presets.cards import CARDS, all_concepts, card, concepts, parse
from trainers import LOSSES, OPTIMIZERS, SCHEDULES
from ui.figures.concepts import activation_points, concept_figure, loss_points, schedule_points


def test_every_concept_named_in_the_issue_is_a_concept():
    names = set(all_concepts())
    assert set(LAYERS) <= names and set(LOSSES) <= names and set(OPTIMIZERS) <= names
    assert {s for s in SCHEDULES if s != "none"} <= names
    assert {"Dropout", "BatchNorm1d", "BatchNorm2d", "weight_decay", "early_stopping"} == set(concepts()["regulariser"])
    assert {"ReLU", "Sigmoid", "Tanh", "GELU"} <= set(concepts()["activation"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_concept_has_a_card_of_its_own_in_both_languages(lang):
    lessons = {p.name for p in list_presets()}
    for concept in all_concepts():
        assert (CARDS / lang / f"{concept}.md").is_file(), f"{lang}/{concept}.md is missing"
        found = card(concept, lang)
        assert found.lang == lang and found.title and found.formula and len(found.body) > 40, concept
        assert found.picture in ("activation", "loss", "schedule", "none") and found.lesson in lessons, concept
        if lang == "zh":
            assert any("\u4e00" <= ch <= "\u9fff" for ch in found.body), f"{concept}: the zh card is not Chinese"


def test_a_language_without_cards_falls_back_to_english_and_a_strange_name_is_no_card():
    assert card("Adam", "fr").lang == "en" and card("Adam", "fr").title == "Adam"
    assert card("../../etc/passwd", "en") is None and card("Nope", "zh") is None


def test_front_matter_is_read_and_a_file_without_it_is_all_body():
    fields, body = parse("---\ntitle: T\nformula: a: b\nextra: x\n---\nText")
    assert fields == {"title": "T", "formula": "a: b"} and body == "Text"
    assert parse("just text") == ({}, "just text")


def test_relu_card_derivative_is_zero_left_of_zero_and_one_right():
    p = activation_points("ReLU")
    left = [d for x, d in zip(p["x"], p["dy"]) if x < 0]
    right = [d for x, d in zip(p["x"], p["dy"]) if x > 0]
    assert set(left) == {0.0} and set(right) == {1.0}


def test_sigmoid_derivative_is_sigmoid_times_one_minus_sigmoid():
    p = activation_points("Sigmoid")
    for x, y, d in zip(p["x"], p["y"], p["dy"]):
        s = 1 / (1 + math.exp(-x))
        assert y == pytest.approx(s) and d == pytest.approx(s * (1 - s))
    assert max(p["dy"]) == pytest.approx(0.25)


def test_loss_pictures_follow_their_definitions():
    mse, l1, huber = loss_points("MSELoss"), loss_points("L1Loss"), loss_points("HuberLoss")
    for e, a, b, h in zip(mse["x"], mse["y"], l1["y"], huber["y"]):
        assert a == pytest.approx(e * e) and b == pytest.approx(abs(e))
        assert h == pytest.approx(0.5 * e * e if abs(e) <= 1 else abs(e) - 0.5)
    ce = loss_points("CrossEntropyLoss")
    at_zero = min(range(len(ce["x"])), key=lambda i: abs(ce["x"][i]))
    assert ce["axis"] == "margin" and ce["y"][at_zero] == pytest.approx(math.log(2))
    assert ce["y"] == sorted(ce["y"], reverse=True)  # a higher score for the right class: a lower loss


def test_schedule_pictures_come_from_the_trainers_schedulers():
    step = schedule_points("step")["lr"]
    assert step[:10] == [pytest.approx(0.1)] * 10 and step[10] == pytest.approx(0.01)
    cosine = schedule_points("cosine")["lr"]
    assert cosine[0] == pytest.approx(0.1) and cosine == sorted(cosine, reverse=True) and cosine[-1] < 0.002
    cycle = schedule_points("one-cycle")["lr"]
    peak = cycle.index(max(cycle))
    assert 0 < peak < len(cycle) - 1 and cycle[-1] < cycle[0]


def test_every_card_picture_draws():
    for concept in all_concepts():
        found = card(concept, "en")
        fig = concept_figure(found.picture, concept)
        assert (fig is None) == (found.picture == "none"), concept
        if fig is not None:
            assert all(len(t.x) == len(t.y) > 10 for t in fig.data)
    assert torch.is_grad_enabled()
