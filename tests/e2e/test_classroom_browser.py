"""A class in headless Chromium: a teacher starts it, three students join and train, the board shows them live;
a wrong key is refused; a student of a locked class cannot edit the canvas; board and projector screenshots."""
from __future__ import annotations

import pathlib
import re
import time

import pytest

from tests.e2e.browsing import own_page, wait_for

REPO = pathlib.Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts"
SMALL = {"width": 1280, "height": 720}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> pathlib.Path:
    return tmp_path_factory.mktemp("nc_class")


@pytest.fixture(scope="module")
def server(streamlit_server, data_dir):
    """Three trainings at once: one per student of the class."""
    return streamlit_server(REPO / "app.py", env={"NEUROCANVAS_DATA": str(data_dir), "NEUROCANVAS_REFRESH_S": "0.5",
                                                   "NEUROCANVAS_MAX_TRAININGS": "3"})


def start_class(page, server, open_app, wait_idle) -> str:
    """The teacher's way: open the app, the sidebar's Classroom section, "nothing but Train", Start a class."""
    open_app(page, server.url)
    page.locator('[data-testid="nc-root"]').wait_for(timeout=120_000)
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.locator('[data-testid="stSidebar"]').get_by_text("nothing but Train").click()
    wait_idle(page)
    page.locator(".st-key-btn_start_class button").click()
    page.get_by_text("Students open:").wait_for(timeout=60_000)
    wait_idle(page)
    return page.url


def join(browser, link, name, open_app, wait_idle):
    context, page = own_page(browser)
    open_app(page, link)
    page.get_by_label("Your name").fill(name)
    page.locator(".st-key-btn_join button").click()
    page.locator('[data-testid="nc-root"]').wait_for(timeout=60_000)
    wait_idle(page)
    return context, page


def board_counts(page) -> dict:
    """{"student", "training", "finished": counts, "text"} from the board's summary line (the grid is a canvas)."""
    line = page.locator(".st-key-board_summary")
    text = line.first.inner_text() if line.count() else ""
    found = re.findall(r"(\d+) (student|training|finished)", text)
    return {word: int(n) for n, word in found} | {"text": text}


def test_a_class_joins_trains_and_shows_on_the_board(browser, server, open_app, wait_idle):
    t_context, teacher = own_page(browser, SMALL)
    board_url = start_class(teacher, server, open_app, wait_idle)
    code = board_url.split("class=")[1].split("&")[0]
    key = board_url.split("teacher=")[1].split("&")[0]
    link = f"{server.url}/?class={code}"
    assert key not in teacher.locator("body").inner_text()  # the key is in the address bar only
    students = [join(browser, link, name, open_app, wait_idle) for name in ("Ana", "Bo", "Cy")]
    for _context, page in students:
        assert key not in page.url and key not in page.content()
        page.locator(".st-key-btn_train button").click()
    began = time.monotonic()
    wait_for(teacher, lambda: board_counts(teacher).get("training", 0) + board_counts(teacher).get("finished", 0) == 3,
             timeout=60, what="three training rows")
    print(f"three students training on the board {time.monotonic() - began:.1f} s after Train")
    wait_for(teacher, lambda: board_counts(teacher).get("finished") == 3, timeout=120, what="three finished rows")
    print(f"three students' runs finished and on the board {time.monotonic() - began:.1f} s after Train")
    assert board_counts(teacher)["student"] == 3 and "best 0.9" in board_counts(teacher)["text"]
    SHOTS.mkdir(exist_ok=True)
    teacher.screenshot(path=str(SHOTS / "classroom_board.png"))
    teacher.locator(".st-key-board_student input").click()
    teacher.get_by_role("option", name="Ana").click()
    teacher.get_by_text("Ana's network").wait_for()
    wait_idle(teacher)

    _context, ana = students[0]
    ana.bring_to_front()  # a page behind another paints no frames: React Flow would not redraw the undone edit
    wait_idle(ana)
    before = ana.locator('.react-flow__node').count()
    item = ana.locator('[data-testid="nc-palette-item"][data-type="ReLU"]')
    item.drag_to(ana.locator(".react-flow__pane"), target_position={"x": 200, "y": 300})
    ana.wait_for_timeout(1500)
    wait_idle(ana)
    wait_for(ana, lambda: ana.locator('.react-flow__node').count() == before, timeout=20, what="edit undone")
    for context, _page in students:
        context.close()
    t_context.close()


def test_projector_mode_fits_a_1280x720_screen(browser, server, open_app, wait_idle):
    s_context, present = own_page(browser, SMALL)
    open_app(present, f"{server.url}/?lesson=simplenet_digits&present=1")
    present.locator(".st-key-big_metric").wait_for(timeout=120_000)
    present.locator(".st-key-btn_train button").click()
    wait_for(present, lambda: present.locator(".st-key-big_metric").inner_text().count(".") > 0
             and "validation" in present.locator(".st-key-big_metric").inner_text(), what="big metric")
    wait_idle(present)  # a status change reruns the page: until it ends the old canvas may stand beside the new
    palettes = present.locator('[data-testid="nc-palette"]').all()
    assert palettes and not any(p.is_visible() for p in palettes), "projector mode shows no palette"
    assert present.locator('[data-testid="stSidebar"]').count() == 0 or present.locator(
        '[data-testid="stSidebar"]').is_hidden()
    for key_name in ("btn_train", "present_chart", "big_metric"):
        box = present.locator(f".st-key-{key_name}").first.bounding_box()
        assert box and box["y"] + box["height"] <= SMALL["height"], (key_name, box)
    present.screenshot(path=str(SHOTS / "classroom_projector.png"))
    s_context.close()


def test_a_wrong_teacher_key_is_refused(browser, server, data_dir, open_app):
    from runs.classes import Classes
    from runs.store import Store
    code, _key = Classes(*Store(data_dir / "neurocanvas.sqlite").shared()).create(
        "Tiny", {"format": "neurocanvas/1", "graph": {"nodes": [], "edges": []}})
    w_context, wrong = own_page(browser)
    open_app(wrong, f"{server.url}/?class={code}&teacher=not-the-right-key-123")
    wrong.get_by_text("not valid").wait_for()
    assert wrong.locator('[data-testid="stDataFrame"]').count() == 0 and "Students open" not in wrong.content()
    w_context.close()
