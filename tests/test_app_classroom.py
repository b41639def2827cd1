"""AppTest: a teacher starts a class and watches the board; students join, come back, meet locks and a challenge."""
import copy
import time

import pytest
from streamlit.testing.v1 import AppTest

from graph_factory import make_project
from tests.apptest_helpers import app as page

pytestmark = pytest.mark.usefixtures("app_data_dir")


def button(at, label):
    return next(b for b in at.button if b.label == label)


def texts(at) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "error", "info", "success", "warning", "title")
                    for e in at.get(kind))


def lesson(epochs=2, hidden=16):
    return make_project([("in", "Input", {"shape": [64]}), ("fc1", "Linear", {"out_features": hidden}),
                         ("act", "ReLU"), ("out", "Linear", {"out_features": 10})],
                        training={"dataset": "digits", "loss": "CrossEntropyLoss",
                                  "optimizer": {"type": "Adam", "lr": 0.01}, "batch_size": 64, "epochs": epochs,
                                  "seed": 0})


def new_class(**kw):
    from runs.classes import Classes
    from runs.store import Store
    db = Classes(*Store().shared())
    code, key = db.create(kw.pop("title", "Tiny"), kw.pop("lesson", None) or lesson(), **kw)
    return db, code, key


def join(code, name) -> AppTest:
    at = page(**{"class": code})
    at.text_input(key="join_name").input(name)
    at.button(key="btn_join").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_teacher_starts_a_class_and_gets_the_board():
    at = page()
    at.radio(key="class_changes").set_value("training").run()
    at.segmented_control(key="class_lang").set_value("zh").run()
    button(at, "Start a class").click().run()
    assert not at.exception, [e.message for e in at.exception]
    code, key = at.query_params["class"], at.query_params["teacher"]
    from ui.views.classroom import classes
    klass = classes().get(code)
    assert (klass.changes, klass.lang) == ("training", "zh") and klass.lesson["graph"]["nodes"]
    shown = texts(at)
    assert f"?class={code}" in shown and key not in shown
    assert at.get("image"), "the QR code of the student link"
    assert "Nobody has joined yet" in shown


def test_a_teacher_in_chinese_keeps_chinese_on_the_board():
    at = page(lang="zh")
    button(at, "开始上课").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params["lang"] == "zh" and at.query_params["teacher"]
    assert "学生打开：" in texts(at) and "Students open" not in texts(at)


def test_a_wrong_key_gets_a_refusal_and_no_board():
    _db, code, key = new_class()
    _db2, other, other_key = new_class()
    for wrong in ("not-the-key-at-all-000", other_key, key[:-2], "x"):
        at = page(**{"class": code, "teacher": wrong})
        assert "not valid" in " ".join(e.value for e in at.error)
        assert not at.dataframe and not at.get("image") and "Students open" not in texts(at)
    assert "There is no class" in page(**{"class": "ZZZZZZ"}).error[0].value


def test_a_student_joins_and_comes_back_to_the_same_workspace():
    db, code, key = new_class(lang="zh")
    form = page(**{"class": code})
    assert (form.text_input(key="join_name").label, form.button(key="btn_join").label) == ("你的名字", "加入")
    at = join(code, "Ana")
    ws = at.query_params["ws"]
    assert db.member(ws).name == "Ana" and at.session_state["lang"] == "zh"
    assert at.session_state["project"]["graph"] == lesson()["graph"]
    assert key not in texts(at) and key not in str(dict(at.query_params))
    del at.query_params["ws"]  # the student opens ?class=<code> again in the same browser
    at.run()
    assert at.query_params["ws"] == ws and not at.text_input
    again = page(**{"class": code, "ws": ws})  # their link, after a refresh or a server restart
    assert again.session_state["workspace"] == ws and "Ana" in texts(again)
    other = page(**{"class": code})  # another browser: the join form, and the name is taken
    other.text_input(key="join_name").input("ana").run()
    other.button(key="btn_join").click().run()
    assert "已经加入" in other.error[0].value and "ws" not in other.query_params


def test_locks_are_enforced_on_the_server():
    db, code, _key = new_class(changes="training")
    at = join(code, "Bo")
    changed = copy.deepcopy(at.session_state["project"])
    changed["graph"]["nodes"] = changed["graph"]["nodes"][:2]
    changed["graph"]["edges"] = changed["graph"]["edges"][:1]
    changed["training"]["epochs"] = 5
    at.session_state["project"] = changed
    at.run()
    assert at.session_state["project"]["graph"] == lesson()["graph"]  # the graph is the lesson's again
    assert at.session_state["project"]["training"]["epochs"] == 5  # training settings are the student's
    assert "network is fixed" in texts(at)
    db2, code2, _ = new_class(changes="none")
    st2 = join(code2, "Cy")
    st2.session_state["project"] = changed
    st2.session_state["main_tab"] = "Train"
    st2.run()
    assert st2.session_state["project"]["training"] == lesson()["training"]
    assert "fixed the training settings" in texts(st2) and not st2.number_input
    db2.set_locked(code2, True)
    st2.run()
    assert button(st2, "Train").disabled and "paused the class" in texts(st2)


def _wait(at, done, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        if done(at):
            return at
        time.sleep(0.5)
    raise AssertionError(texts(at))


def _board_rows(board):
    return board.dataframe[0].value.to_dict("records")


def test_the_board_ranks_students_who_meet_the_challenge_and_exports_csv():
    goal = {"metric": "val_accuracy", "op": ">=", "value": 0.5, "max_params": 2000}
    db, code, key = new_class(challenge=goal)
    ana, bo = join(code, "Ana"), join(code, "Bo")
    wide = copy.deepcopy(bo.session_state["project"])
    wide["graph"]["nodes"][1]["params"]["out_features"] = 64  # 64·64 + 64 + 650 + ...: over 2,000
    bo.session_state["project"] = wide
    bo.run()
    for student in (ana, bo):
        button(student, "Train").click().run()
    board = page(**{"class": code, "teacher": key})
    _wait(board, lambda b: b.dataframe and all(r["Status"] == "finished" for r in _board_rows(b)))
    rows = {r["Student"]: r for r in _board_rows(board)}
    assert rows["Ana"]["Rank"] == 1 and rows["Ana"]["Challenge met"] and rows["Ana"]["Best validation accuracy"] > 0.5
    assert not rows["Bo"]["Challenge met"] and "parameters" in rows["Bo"]["Why not"]
    assert rows["Ana"]["Parameters"] == 16 * 64 + 16 + 16 * 10 + 10 and rows["Bo"]["Runs"] == 1
    csv = next(b for b in board.get("download_button") if "CSV" in b.proto.label)
    assert csv.proto.label
    assert "— met" in texts(_wait(ana, lambda a: "— met" in texts(a)))
    assert "— not yet" in texts(bo) and "parameters" in texts(bo)


def test_the_teacher_stops_a_run_and_the_class_survives_a_restart():
    db, code, key = new_class(lesson=lesson(epochs=500))
    student = join(code, "Di")
    button(student, "Train").click().run()
    board = page(**{"class": code, "teacher": key})
    board.selectbox(key="board_student").set_value(student.query_params["ws"]).run()
    _wait(board, lambda b: not button(b, "Stop their run").disabled)
    button(board, "Stop their run").click().run()
    _wait(board, lambda b: _board_rows(b)[0]["Status"] == "stopped")
    from streamlit import cache_resource

    from runs.registry import REGISTRY
    from ui.views import classroom_board
    cache_resource.clear()  # a new server process: a fresh Store on the same file, an empty registry
    REGISTRY._runs.pop(student.query_params["ws"], None)
    classroom_board._adopted.clear()
    board = page(**{"class": code, "teacher": key})
    [row] = _board_rows(board)
    assert (row["Student"], row["Runs"], row["Status"]) == ("Di", 1, "stopped")


def test_a_full_class_refuses_one_more_student(monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_MAX_STUDENTS", "1")
    _db, code, _key = new_class()
    join(code, "Ed")
    late = page(**{"class": code})
    late.text_input(key="join_name").input("Fa").run()
    button(late, "Join").click().run()
    assert "full" in late.error[0].value


def test_a_lesson_link_opens_a_preset_untrained_and_projector_mode_hides_the_tools():
    at = page(lesson="spiral_playground")
    from presets import load_preset
    assert at.session_state["project"]["name"] == load_preset("spiral_playground")["name"]
    assert at.session_state["run_id"] is None
    shown = page(present="1")
    assert not shown.sidebar.button and len(shown.metric) == 1 and "Select a layer" not in texts(shown)
    assert shown.toggle(key="present").value is True
    shown.toggle(key="present").set_value(False).run()
    assert "present" not in shown.query_params and shown.sidebar.button and "Select a layer" in texts(shown)


def _click_row_in_fragment(at, key, row, monkeypatch):
    """What the browser sends on a table click inside a fragment: the new selection and a rerun of that fragment
    only (AppTest has no row clicks). The tree that comes back holds only what the fragment drew."""
    import json
    from functools import partial

    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.testing.v1 import local_script_runner
    states = at._tree.get_widget_states()
    table = next(d for d in at.dataframe if d.key == key)
    states.widgets.append(WidgetState(id=table.proto.id,
                                      string_value=json.dumps({"selection": {"rows": [row], "columns": []}})))
    fragments = list(at._fragment_storage._fragments)
    with monkeypatch.context() as mp:
        mp.setattr(local_script_runner, "RerunData", partial(RerunData, fragment_id_queue=fragments))
        at._run(states)
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_row_click_aims_stop_their_run_on_the_same_rerun(monkeypatch):
    from runs.registry import REGISTRY
    db, code, key = new_class(lesson=lesson(epochs=3000))
    ana, bo = join(code, "Ana"), join(code, "Bo")
    for student in (ana, bo):
        button(student, "Train").click().run()
    board = page(**{"class": code, "teacher": key})
    status = lambda b: {r["Student"]: r["Status"] for r in _board_rows(b)}  # noqa: E731
    _wait(board, lambda b: b.dataframe and status(b)["Bo"].startswith("training"))
    row = [r["Student"] for r in _board_rows(board)].index("Bo")
    _click_row_in_fragment(board, "board_table", row, monkeypatch)
    stop = button(board, "Stop their run")  # drawn by that same fragment rerun, aimed at Bo
    assert not stop.disabled and board.selectbox(key="board_student").value == bo.query_params["ws"]
    stop.click().run()
    _wait(board, lambda b: status(b)["Bo"] == "stopped")
    ana_run = REGISTRY.current(ana.query_params["ws"])
    assert ana_run.snapshot()["status"] in ("queued", "running"), "only Bo's run stops"
    REGISTRY.stop(ana_run)


def test_a_teacher_password_set_by_the_server_guards_start_a_class(monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_TEACHER_PASSWORD", "s3cret-for-teachers")
    at = page()
    assert at.text_input(key="class_password").proto.type == at.text_input(key="class_password").proto.PASSWORD
    at.text_input(key="class_password").input("guess").run()
    button(at, "Start a class").click().run()
    assert "Wrong teacher password" in " ".join(e.value for e in at.error) and "class" not in at.query_params
    at.text_input(key="class_password").input("s3cret-for-teachers").run()
    button(at, "Start a class").click().run()
    assert at.query_params["class"] and "Students open" in texts(at)
    monkeypatch.delenv("NEUROCANVAS_TEACHER_PASSWORD")
    assert "No teacher password is set on this server" in texts(page())
