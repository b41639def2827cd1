"""A newcomer in the browser: LeNet for digits from a blank project with the palette, the fixes and the
inspector only, counted in actions; a refused loop says why; drops never pile up; undo after a lesson."""
from __future__ import annotations

import pathlib
import re

import pytest

from tests.e2e.test_app_browser import click, open_tab, set_number
from tests.e2e.browsing import wait_for

REPO = pathlib.Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
TARGET_ACTIONS = 15


@pytest.fixture(scope="module")
def server(streamlit_server, tmp_path_factory):
    env = {"NEUROCANVAS_DATA": str(tmp_path_factory.mktemp("nc_newcomer")), "NEUROCANVAS_REFRESH_S": "0.5"}
    return streamlit_server(REPO / "app.py", env=env)


@pytest.fixture
def app_page(page, server, open_workspace):
    """The app opened on a fresh workspace."""
    open_workspace(page, server.url)
    page.set_default_timeout(60_000)
    return page


class Counted:
    """The person's actions (clicks, drops, connections, typed values), counted as they are made."""

    def __init__(self, page, canvas_ui, wait_idle):
        self.page, self.canvas, self.wait_idle, self.n = page, canvas_ui, wait_idle, 0

    def act(self, do, *args) -> None:
        self.n += 1
        do(*args)
        self.wait_idle(self.page, timeout=120)

    def drop(self, layer: str) -> str:
        before = set(self.canvas.node_ids())
        box = self.canvas.pane.bounding_box()
        self.act(self.canvas.drop, layer, box["width"] * 0.5, box["height"] * 0.5)
        wait_for(self.page, lambda: len(self.canvas.node_ids()) == len(before) + 1, what=f"the {layer} drop")
        [new] = set(self.canvas.node_ids()) - before
        return new

    def connect(self, source: str, target: str) -> None:
        n = self.page.locator('[data-testid="nc-root"] .react-flow__edge').count()
        self.act(self.canvas.connect, source, target)
        wait_for(self.page, lambda: self.page.locator('[data-testid="nc-root"] .react-flow__edge').count() == n + 1,
                 what=f"the edge {source} → {target}")

    def fix(self, text: str) -> None:
        button = self.page.locator(".st-key-graph_problems button").filter(has_text=text)
        wait_for(self.page, lambda: button.count() > 0, what=f"the button {text}")
        self.act(button.first.click)


def no_overlap(canvas_ui) -> bool:
    boxes = [canvas_ui.node(n).bounding_box() for n in canvas_ui.node_ids()]
    return not any(a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"]
                   and b["y"] < a["y"] + a["height"] for i, a in enumerate(boxes) for b in boxes[i + 1:])


def last_validation_accuracy(page) -> float | None:
    values = page.locator(".st-key-chart_metric .js-plotly-plot").evaluate_all(
        "els => els.map(el => { const t = (el.data || []).find(t => t.name === 'validation');"
        " return t && t.y.length === 10 ? t.y[t.y.length - 1] : null; })")
    return next((v for v in values if v is not None), None)


def test_lenet_for_digits_from_a_blank_project_in_at_most_fifteen_actions(app_page, canvas_ui, wait_idle):
    page, me = app_page, Counted(app_page, canvas_ui, wait_idle)
    me.act(page.locator('[data-testid="stExpandSidebarButton"]').click)
    me.act(page.locator(".st-key-new_project button").click)
    wait_for(page, lambda: canvas_ui.node_ids() == ["in"], what="the blank project")
    conv = me.drop("Conv2d")
    me.connect("in", conv)
    me.fix("Fix: set in.shape to [1, 8, 8]")
    relu = me.drop("ReLU")
    me.connect(conv, relu)
    pool = me.drop("MaxPool2d")
    me.connect(relu, pool)
    head = me.drop("Linear")
    me.connect(pool, head)
    assert no_overlap(canvas_ui), "dropped layers do not land on each other"
    me.fix(f"Fix: insert Flatten before {head} and set {head}.out_features to 10")
    wait_for(page, lambda: "The graph is valid." in page.locator(".st-key-summary").inner_text(), what="a valid graph")
    me.act(open_tab, page, "Train", wait_idle)
    me.act(set_number, page, None, "Learning rate", 0.01, wait_idle)
    me.act(click, page, "btn_train")
    wait_for(page, lambda: last_validation_accuracy(page) is not None, timeout=240, what="ten epochs")
    accuracy = last_validation_accuracy(page)
    print(f"LeNet from a blank project: {me.n} actions, validation accuracy {accuracy:.3f}")
    assert accuracy >= 0.95 and me.n <= TARGET_ACTIONS, (me.n, accuracy)


def test_a_refused_loop_says_why_and_undo_after_a_lesson_keeps_the_lesson(app_page, canvas_ui, wait_idle):
    page = app_page
    canvas_ui.connect("out", "fc1")  # out is downstream of fc1: a loop
    notice = page.locator('[data-testid="nc-notice"]')
    notice.wait_for()
    assert re.search(r"out → fc1 would close a loop", notice.inner_text())
    page.get_by_text("Lessons & examples").click()
    page.locator(".st-key-preset_lenet_digits button").click()
    wait_idle(page)
    wait_for(page, lambda: "conv1" in canvas_ui.node_ids(), what="the lesson's network")
    assert canvas_ui.button("undo").is_disabled(), "undo cannot bring the old network under the lesson's title"
