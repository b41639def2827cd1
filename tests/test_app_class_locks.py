"""AppTest: a class's lock covers the whole project on the page — a share link, the gallery and an upload opened
in a class keep the class's lesson (its variants too), "Run all variants" runs the lesson's own variants, and a run
the server refuses is said on the page with nothing lost."""
import copy
import json

import pytest

from export.links import encode_project
from presets import apply_variant
from tests.apptest_helpers import app as page
from tests.apptest_helpers import inject, open_gallery
from tests.test_app_classroom import button, join, lesson, new_class, texts

pytestmark = pytest.mark.usefixtures("app_data_dir", "registry")


def taught():
    """The class's lesson: a small digits MLP with two variants of its own."""
    project = lesson()
    project["variants"] = [{"id": "tanh", "label": {"en": "Tanh"}, "set": {"act.type": "Tanh"}},
                           {"id": "long", "label": {"en": "longer"}, "set": {"training.epochs": 3}}]
    return project


def mine():
    """What a student brings from outside: the lesson's network under another name, with variants of its own."""
    project = taught()
    project.update(name="mine", variants=[{"id": "wide", "set": {"fc1.out_features": 512}}])
    return project


def held(at):
    project = at.session_state["project"]
    return {k: project.get(k) for k in ("name", "variants", "training")}


def as_taught():
    project = taught()
    return {k: project.get(k) for k in ("name", "variants", "training")}


def test_a_share_link_in_a_class_keeps_the_lesson_and_run_all_variants_runs_its_own(registry):
    _db, code, _key = new_class(changes="none", lesson=taught())
    at = join(code, "Ana")
    at.query_params["project"] = encode_project(mine())
    at.run()
    assert held(at) == as_taught() and "wide" not in json.dumps(at.session_state["project"])
    assert "were put back" in texts(at) and "lesson's name, description and variants" in texts(at)
    button(at, "Run all variants").click().run()
    assert not at.exception, [e.message for e in at.exception]
    runs = registry.runs(at.query_params["ws"])
    want = [apply_variant(taught(), v) for v in ("tanh", "long")]
    assert [r.project["graph"]["nodes"][2]["type"] for r in runs] == ["Tanh", "ReLU"]
    assert [(r.project["name"], r.project["training"]) for r in runs] == [(w["name"], w["training"]) for w in want]


def test_the_gallery_and_an_upload_in_a_class_keep_the_lesson():
    _db, code, _key = new_class(changes="training", lesson=taught())
    at = open_gallery(join(code, "Bo"))
    at.button(key="preset_spiral_playground").click().run()
    if any(b.key == "btn_confirm_open" for b in at.button):  # the student's work would be replaced: asked first
        at.button(key="btn_confirm_open").click().run()
    project = at.session_state["project"]
    assert project["name"] == taught()["name"] and project["variants"] == taught()["variants"]
    assert project["graph"]["nodes"][1]["params"] == taught()["graph"]["nodes"][1]["params"]
    assert project["training"]["dataset"] != "digits", "training settings are the student's in this class"
    upload = mine()
    upload["training"]["epochs"] = 7
    at.file_uploader(key="upload_project").set_value(("mine.json", json.dumps(upload).encode(),
                                                      "application/json")).run()
    assert not at.exception, [e.message for e in at.exception]
    project = at.session_state["project"]
    assert (project["name"], project["variants"], project["training"]["epochs"]) == \
        (taught()["name"], taught()["variants"], 7)
    assert "were put back" in texts(at) and "training settings only" in texts(at)


def test_a_run_the_server_refuses_is_said_on_the_page(monkeypatch, registry):
    monkeypatch.setenv("NEUROCANVAS_MAX_EPOCHS", "2")
    _db, code, _key = new_class(changes="none", lesson=taught())
    at = join(code, "Cy")
    button(at, "Run all variants").click().run()
    assert not at.exception, [e.message for e in at.exception]
    shown = " ".join(e.value for e in at.error)
    assert "variant 'long': training.epochs: 3 is more than this server allows (2 epochs per run" in shown
    assert [r.label for r in registry.runs(at.query_params["ws"])] == ["variant · Tanh"]
    endless = copy.deepcopy(taught())
    endless["training"]["epochs"] = 1_000_000  # a share link or an upload outside classes
    anyone = inject(page(), endless)
    assert button(anyone, "Train").disabled
    assert "training.epochs: 1,000,000 is more than this server allows (2 epochs per run" in texts(anyone)
    assert anyone.session_state["project"]["training"]["epochs"] == 1_000_000, "the project is kept as it is"


def test_pausing_a_class_keeps_what_its_students_may_change():
    db, code, _key = new_class(changes="training", lesson=taught())
    at = join(code, "Di")
    mine = copy.deepcopy(at.session_state["project"])
    mine["training"]["epochs"] = 7
    at.session_state["project"] = mine
    at.run()
    db.set_locked(code, True)
    at.run()
    assert at.session_state["project"]["training"]["epochs"] == 7, "the student's settings survive the pause"
    assert button(at, "Train").disabled and "paused the class" in texts(at)
    db.set_locked(code, False)
    at.run()
    assert not button(at, "Train").disabled and at.session_state["project"]["training"]["epochs"] == 7
