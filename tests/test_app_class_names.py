"""AppTest: a student's name is plain text wherever it is shown — the board's summary, picked student and chart
legend, the student's banner, the join form's refusal, the results CSV (ui.plain; the browser side is
tests/e2e/test_plain_text.py)."""
import json
import time

import pytest

from tests.apptest_helpers import app as page
from tests.test_app_classroom import lesson, new_class
from ui.plain import label, md
from ui.views.classroom_board import results_csv, rows, table

pytestmark = pytest.mark.usefixtures("app_data_dir")

NAMES = ["[x](http://e)", "**b**", "<img src=x>", "$x$", ":red[x]", '=HYPERLINK("http://e","x")', "www.e.com"]
SHOWN = ("markdown", "caption", "error", "info", "success", "warning", "title")


def shown(at) -> list[str]:
    return [str(e.value) for kind in SHOWN for e in at.get(kind)]


def finished(accuracy: float) -> dict:
    return {"schema": 1, "status": "finished", "steps": {"step": [1, 2], "loss": [1.0, 0.5]},
            "epochs": {"epoch": [1], "val_accuracy": [accuracy]}, "progress": {"elapsed_s": 1.0}, "probes": None}


@pytest.fixture
def klass():
    """A class whose students have names that Markdown, HTML, LaTeX, Streamlit or a spreadsheet would read."""
    from runs.store import Store
    db, code, key = new_class()
    store = Store()
    for i, name in enumerate(NAMES):
        ws = db.join(code, name).ws
        store.save_project(ws, lesson())
        store.save_run(ws, f"run{i:07d}", "run 1", time.time(), lesson(), finished(0.99 if i == 0 else 0.5))
    return db, code, key


def test_the_board_shows_every_name_as_typed(klass):
    db, code, key = klass
    board = page(**{"class": code, "teacher": key})
    texts = shown(board)
    for name in NAMES:
        assert not any(name in t for t in texts), f"{name!r} reached Markdown unescaped"
    assert any(f"({md(NAMES[0])})" in t for t in texts), "the summary names the best student, escaped"
    figure = json.loads(next(c for c in board.get("plotly_chart") if "chart_class_loss" in c.proto.id).proto.spec)
    assert sorted(t["name"] for t in figure["data"]) == sorted(label(n) for n in NAMES)
    assert "&lt;img src=x&gt;" in [t["name"] for t in figure["data"]]
    assert sorted(board.selectbox(key="board_student").options) == sorted(NAMES)  # a widget's options are text
    pick = next(m.ws for m in db.members(code) if m.name == "<img src=x>")
    board.selectbox(key="board_student").set_value(pick).run()
    assert f"#### {md('<img src=x>')}'s network" in shown(board)


def test_the_results_csv_keeps_a_formula_name_as_text(klass):
    _db, code, _key = klass
    from ui.views.classroom import classes
    data, _curves = rows(classes().get(code))
    csv = results_csv(table(data, classes().get(code)))
    assert "'=HYPERLINK(" in csv and "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv
    assert "[x](http://e)" in csv, "other names are kept exactly"


def test_the_student_banner_and_the_join_refusal_show_the_name_as_typed(klass):
    db, code, _key = klass
    member = next(m for m in db.members(code) if m.name == "[x](http://e)")
    student = page(**{"class": code, "ws": member.ws})
    assert any(f"· {md(member.name)} ·" in t for t in shown(student))
    assert not any(member.name in t for t in shown(student))
    again = page(**{"class": code})
    again.text_input(key="join_name").input("**B**").run()
    again.button(key="btn_join").click().run()
    [error] = again.error
    assert md("“**B**” has already joined") in error.value and "**B**" not in error.value
