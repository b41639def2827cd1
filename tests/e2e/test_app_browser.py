"""The whole app in headless Chromium: edit on the canvas, inspector round trip, train live, refresh, two users."""
from __future__ import annotations

import pathlib
import re

import pytest

from tests.e2e.browsing import own_page, wait_for

REPO = pathlib.Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(streamlit_server, tmp_path_factory):
    env = {"NEUROCANVAS_DATA": str(tmp_path_factory.mktemp("nc_e2e")), "NEUROCANVAS_REFRESH_S": "0.5",
           "NEUROCANVAS_MAX_TRAININGS": "2"}
    return streamlit_server(REPO / "app.py", env=env)


@pytest.fixture
def app_page(page, server, open_workspace):
    """The app opened on a fresh workspace."""
    open_workspace(page, server.url)
    return page


def click(page, key: str) -> None:
    page.locator(f".st-key-{key} button").click()


def trace_lengths(page, key: str) -> dict:
    """{trace name: number of points} of the plotly chart with this element key (empty when absent).

    While a fragment redraws, Streamlit can briefly hold the old and the new element: take the fuller one.
    """
    found = page.locator(f".st-key-{key} .js-plotly-plot").evaluate_all(
        "els => els.map(el => (el.data || []).map(t => [t.name || '', (t.x || []).length]))")
    return dict(max(found, key=lambda traces: sum(n for _, n in traces), default=[]))


def loss_points(page) -> int:
    """The last step drawn on the loss curve (old points merge into buckets, so count steps, not points)."""
    return max(page.locator(".st-key-chart_loss .js-plotly-plot").evaluate_all(
        """els => els.map(el => { const t = (el.data || []).find(t => t.name === 'train loss (per step)');
                                   return t && t.x.length ? t.x[t.x.length - 1] : 0; })"""), default=0)


def open_tab(page, name: str, wait_idle) -> None:
    page.locator(".st-key-main_tab button").filter(has_text=re.compile(f"^{name}$")).click()
    wait_idle(page)


def set_number(page, container_key: str | None, label: str, value, wait_idle) -> None:
    scope = page.locator(f".st-key-{container_key}") if container_key else page
    box = scope.get_by_label(label, exact=True).and_(page.locator("input"))
    box.fill(str(value))
    box.press("Enter")
    wait_idle(page)


def shape_of(canvas_ui, node_id: str) -> str:
    return canvas_ui.node(node_id).locator('[data-testid="nc-shape"]').inner_text()


def test_drag_connect_edit_and_delete_on_the_canvas(app_page, canvas_ui, wait_idle):
    page = app_page
    before = set(canvas_ui.node_ids())
    assert before == {"in", "fc1", "relu1", "fc2", "relu2", "out"}
    box = canvas_ui.pane.bounding_box()
    canvas_ui.drop("Linear", box["width"] * 0.18, box["height"] * 0.2)
    wait_for(page, lambda: len(canvas_ui.node_ids()) == 7, what="the dropped node")
    wait_idle(page)
    [new] = set(canvas_ui.node_ids()) - before
    # a fresh Linear starts valid (out_features from the palette's initial value) but unconnected: the
    # summary names the node and Train says why it is disabled
    wait_for(page, lambda: f"{new}: " in page.locator(".st-key-summary").inner_text(), what="the error by node")
    assert page.locator(".st-key-btn_train button").is_disabled()
    canvas_ui.node("out").locator('.react-flow__handle[data-handleid="out"]').wait_for(state="visible")
    canvas_ui.connect("out", new)
    wait_idle(page)
    wait_for(page, lambda: "7 layers" in page.locator(".st-key-summary").inner_text(), what="the summary")
    wait_for(page, lambda: shape_of(canvas_ui, new) == "→ [64]", what="the connected node's shape")
    # now the network's output: 64 scores for digits' 10 classes is named before Train (issue 14), with its fix
    wait_for(page, lambda: "needs [10]" in page.locator(".st-key-summary").inner_text(), what="the output check")
    assert page.locator(".st-key-btn_train button").is_disabled()

    canvas_ui.select(new)
    wait_idle(page)
    page.locator(".st-key-inspector").get_by_text(new).first.wait_for()
    set_number(page, "inspector", "out_features", 10, wait_idle)
    wait_for(page, lambda: shape_of(canvas_ui, new) == "→ [10]", what="the new shape on the canvas")
    # no error left (a warning with its fix may stay: two Linear layers in a row are one linear map)
    wait_for(page, lambda: "The graph is valid." in page.locator(".st-key-summary").inner_text(),
             what="the error to clear")
    assert not page.locator(".st-key-btn_train button").is_disabled()
    # 64 -> ... -> 10 -> Linear(10): the summary counts its 10 * 10 + 10 parameters too
    wait_for(page, lambda: "17,336" in page.locator(".st-key-summary").inner_text(), what="the parameter count")

    canvas_ui.delete(new)
    wait_idle(page)
    wait_for(page, lambda: new not in canvas_ui.node_ids(), what="the node to go")
    page.locator(".st-key-inspector").get_by_text("Select a layer").wait_for()


def test_the_canvas_undo_walks_back_the_page_history(app_page, canvas_ui, wait_idle):
    """Undo and Redo on the canvas are the page's history: a canvas delete and an inspector edit come back in turn."""
    page = app_page
    canvas_ui.delete("relu2")
    wait_idle(page)
    wait_for(page, lambda: "relu2" not in canvas_ui.node_ids(), what="delete")
    canvas_ui.select("fc1")
    wait_idle(page)
    page.locator(".st-key-inspector").get_by_text("fc1").first.wait_for()
    set_number(page, "inspector", "out_features", 32, wait_idle)
    wait_for(page, lambda: shape_of(canvas_ui, "fc1") == "→ [32]", what="the inspector edit on the canvas")
    canvas_ui.button("undo").click()
    wait_for(page, lambda: shape_of(canvas_ui, "fc1") == "→ [128]", what="the inspector edit undone")
    assert "relu2" not in canvas_ui.node_ids()
    page.keyboard.press("Control+z")
    wait_for(page, lambda: "relu2" in canvas_ui.node_ids(), what="the delete undone")
    canvas_ui.button("redo").click()
    wait_for(page, lambda: "relu2" not in canvas_ui.node_ids(), what="the delete redone")
    wait_idle(page)
    assert not canvas_ui.button("redo").is_disabled(), "the inspector edit can still be redone"


def test_a_preset_loads_in_one_click(app_page, canvas_ui, wait_idle):
    page = app_page
    canvas_ui.delete("relu2")
    wait_idle(page)
    wait_for(page, lambda: "relu2" not in canvas_ui.node_ids(), what="delete")
    page.locator(".st-key-btn_train button").wait_for()
    assert page.locator(".st-key-btn_train button").is_disabled()  # out lost its input: Train says why
    assert "Fix the graph first" in page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    page.get_by_text("Lessons & examples").click()
    page.locator(".st-key-preset_simplenet_digits button").click()
    wait_idle(page)
    page.locator(".st-key-btn_confirm_open button").click()  # the edited network is the person's work: asked
    wait_idle(page)
    wait_for(page, lambda: "relu2" in canvas_ui.node_ids(), what="the preset graph")
    assert page.locator(".st-key-btn_train button").is_enabled()


def start_long_training(page, wait_idle, epochs=5000, lr=None):
    open_tab(page, "Train", wait_idle)
    set_number(page, None, "Epochs", epochs, wait_idle)
    if lr is not None:
        set_number(page, None, "Learning rate", lr, wait_idle)
    open_tab(page, "Dashboard", wait_idle)
    click(page, "btn_train")
    wait_for(page, lambda: loss_points(page) >= 2, what="the first points of the loss curve")


def test_train_live_pause_resume_and_refresh(app_page, canvas_ui, wait_idle):
    page = app_page
    start_long_training(page, wait_idle)
    first = loss_points(page)
    wait_for(page, lambda: loss_points(page) > first, what="the curve to grow without a click")
    open_tab(page, "Layers", wait_idle)
    wait_for(page, lambda: sum(trace_lengths(page, "chart_hist").values()) > 0, what="activation histograms")
    open_tab(page, "Dashboard", wait_idle)

    click(page, "btn_pause")
    wait_idle(page)
    page.locator(".st-key-btn_resume button:not([disabled])").wait_for()
    paused = loss_points(page)
    page.wait_for_timeout(1500)
    assert loss_points(page) == paused, "no new points while paused"
    click(page, "btn_resume")
    wait_for(page, lambda: loss_points(page) > paused, what="training to continue")

    url = page.url
    assert "ws=" in url
    page.reload()
    page.locator('[data-testid="nc-root"]').wait_for(timeout=60_000)
    wait_idle(page, timeout=60)
    assert set(canvas_ui.node_ids()) == {"in", "fc1", "relu1", "fc2", "relu2", "out"}
    wait_for(page, lambda: loss_points(page) > 0, what="the run on the dashboard after a refresh")
    again = loss_points(page)
    assert "running" in page.locator('[data-testid="stProgress"]').inner_text()
    wait_for(page, lambda: loss_points(page) > again, what="the reattached run to keep drawing")
    click(page, "btn_stop")
    wait_idle(page)
    page.locator(".st-key-btn_train button:not([disabled])").wait_for()


def test_two_browser_contexts_train_at_once_without_interfering(browser, server, wait_idle, open_workspace):
    pages = []
    for _ in range(2):
        _context, pg = own_page(browser)
        open_workspace(pg, server.url)
        pages.append(pg)
    try:
        for pg, lr in zip(pages, (0.001, 0.02)):
            pg.bring_to_front()
            start_long_training(pg, wait_idle, lr=lr)
        for pg in pages:  # one browser: look at each page in front, as its own user would
            pg.bring_to_front()
            before = loss_points(pg)
            wait_for(pg, lambda: loss_points(pg) > before, what="each curve to grow")
        wss = {re.search(r"ws=([\w-]+)", p.url).group(1) for p in pages}
        assert len(wss) == 2
        labels = [p.locator('[data-testid="stProgress"]').inner_text() for p in pages]
        assert "lr 0.001" in labels[0] and "lr 0.02" in labels[1]
        assert all("running" in label for label in labels), labels  # both train at the same time
        pages[0].bring_to_front()
        click(pages[0], "btn_stop")
        wait_idle(pages[0])
        # the worker process confirms the stop; the page shows it at its next read of the run
        wait_for(pages[0], lambda: "stopped" in pages[0].locator('[data-testid="stProgress"]').inner_text(),
                 timeout=20, what="the stop")
        pages[1].bring_to_front()
        b1 = loss_points(pages[1])
        wait_for(pages[1], lambda: loss_points(pages[1]) > b1, what="the other run to go on")
        click(pages[1], "btn_stop")
        wait_idle(pages[1])
    finally:
        for p in pages:
            p.context.close()


def test_screenshot_of_the_trained_dashboard(app_page, wait_idle):
    page = app_page
    open_tab(page, "Train", wait_idle)
    set_number(page, None, "Epochs", 15, wait_idle)
    open_tab(page, "Dashboard", wait_idle)
    click(page, "btn_train")
    wait_for(page, lambda: trace_lengths(page, "chart_metric").get("validation", 0) >= 15, timeout=90,
             what="the run to finish")
    wait_idle(page)
    page.set_viewport_size({"width": 1400, "height": 1320})  # canvas, buttons and curves in one picture
    page.mouse.move(5, 5)  # no hover toolbar over the legend
    page.wait_for_timeout(800)
    out = REPO / "artifacts"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / "dashboard.png"))
    assert (out / "dashboard.png").stat().st_size > 50_000
    open_tab(page, "Layers", wait_idle)
    wait_for(page, lambda: sum(trace_lengths(page, "chart_hist").values()) > 0, what="the layer pictures")
    page.locator(".st-key-chart_hist").scroll_into_view_if_needed()
    page.mouse.move(5, 5)
    page.wait_for_timeout(800)
    page.screenshot(path=str(out / "layers.png"))


def test_the_live_canvas_renews_its_pictures_and_keeps_the_network(app_page, canvas_ui, wait_idle):
    """While the network trains, each poll redraws the nodes' sparklines and the wires' gradient flow, and the
    canvas keeps its network, palette and shapes (only the faces whose pictures changed re-render)."""
    page = app_page
    ids = set(canvas_ui.node_ids())
    start_long_training(page, wait_idle)
    spark = canvas_ui.node("fc1").locator('[data-testid="nc-live"] rect')

    def heights() -> list:
        return spark.evaluate_all("rects => rects.map(r => r.getAttribute('height'))")
    wait_for(page, lambda: len(heights()) > 0, what="fc1's activation sparkline")
    first = heights()
    wait_for(page, lambda: heights() != first, what="a later poll to redraw the sparkline")
    assert set(canvas_ui.node_ids()) == ids
    assert canvas_ui.root.locator(".react-flow__edge.nc-flowing").count() > 0
    assert canvas_ui.root.locator('[data-testid="nc-palette-item"][data-type="Linear"]').count() == 1
    assert canvas_ui.node("fc1").locator('[data-testid="nc-shape"]').inner_text() == "→ [128]"
    click(page, "btn_stop")
    wait_idle(page)
