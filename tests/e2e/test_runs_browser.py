"""Trainings in worker processes, seen from browsers: two pages train at once with the same seed and each curve
is the run alone (PyTorch in this process is the oracle); a third page waits in the queue, then starts."""
from __future__ import annotations

import pathlib

import pytest
import torch

from presets import load_preset
from trainers import fit
from tests.e2e.browsing import own_page, wait_for

REPO = pathlib.Path(__file__).resolve().parents[2]
EPOCHS = 200  # 4,600 steps, ~10 s alone: time to pause it once it runs (old steps are buckets on the chart)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(streamlit_server, tmp_path_factory):
    env = {"NEUROCANVAS_DATA": str(tmp_path_factory.mktemp("nc_runs_e2e")), "NEUROCANVAS_REFRESH_S": "0.5",
           "NEUROCANVAS_MAX_TRAININGS": "2", "NEUROCANVAS_WORKERS": "2"}
    return streamlit_server(REPO / "app.py", env=env)


def curve(page) -> list:
    """The y values of the page's per-step loss trace (the fuller copy while a fragment redraws)."""
    found = page.locator(".st-key-chart_loss .js-plotly-plot").evaluate_all(
        """els => els.map(el => { const t = (el.data || []).find(t => t.name === 'train loss (per step)');
                                   return t ? Array.from(t.y) : []; })""")
    return max(found, key=len, default=[])


def progress(page) -> str:
    bar = page.locator('[data-testid="stProgress"]')
    return bar.first.inner_text() if bar.count() else ""


def open_page(browser, server, wait_idle, open_workspace):
    _context, page = own_page(browser)
    open_workspace(page, server.url)
    page.locator(".st-key-main_tab button").filter(has_text="Train").first.click()
    wait_idle(page)
    box = page.get_by_label("Epochs", exact=True).and_(page.locator("input"))
    box.fill(str(EPOCHS))
    box.press("Enter")
    wait_idle(page)
    page.locator(".st-key-main_tab button").filter(has_text="Dashboard").first.click()
    wait_idle(page)
    return page


def train(page) -> None:
    page.bring_to_front()
    page.locator(".st-key-btn_train button").click()


def test_two_pages_train_at_once_each_curve_the_run_alone_and_a_third_queues(browser, server, wait_idle,
                                                                             open_workspace):
    torch.set_num_threads(1)  # as the workers on this machine: the same summation order, the same numbers
    project = load_preset("simplenet_digits")
    project["training"]["epochs"] = EPOCHS
    alone = fit(project)["steps"]["loss"]
    pages = [open_page(browser, server, wait_idle, open_workspace) for _ in range(3)]
    first, second, third = pages
    try:
        # a paused run keeps its slot: pausing both makes "both slots taken" certain on a fast or a slow machine
        for page in (first, second):
            train(page)
            wait_for(page, lambda: "running" in progress(page), timeout=120, what="the page to train", detail=lambda: progress(page))
            page.locator(".st-key-btn_pause button").click()
            page.locator(".st-key-btn_resume button:not([disabled])").wait_for()
        train(third)
        third.locator('[data-testid="stAlert"]').filter(has_text="position 1 in the queue").wait_for(timeout=30_000)
        for page in (first, second):
            page.bring_to_front()
            page.locator(".st-key-btn_resume button").click()
        for page in (first, second):  # pausing a run does not change its numbers
            page.bring_to_front()
            wait_for(page, lambda: "finished" in progress(page), timeout=120, what="the run to finish", detail=lambda: progress(page))
            # "finished" is drawn before Plotly has redrawn the chart of the same poll: wait for its last points
            wait_for(page, lambda: len(curve(page)) >= len(alone), timeout=30, what="the whole curve drawn",
                     detail=lambda: len(curve(page)))
            drawn = curve(page)
            assert len(drawn) == len(alone) > 600
            assert drawn == pytest.approx(alone, rel=1e-5, abs=1e-6), "the curve is the run alone"
        third.bring_to_front()
        wait_for(third, lambda: "running" in progress(third) or "finished" in progress(third), timeout=120,
                 what="the queued run to start once a slot freed", detail=lambda: progress(third))
        if "running" in progress(third):  # on a quiet machine it may have finished already
            third.locator(".st-key-btn_stop button").click()
    finally:
        for page in pages:
            page.context.close()
