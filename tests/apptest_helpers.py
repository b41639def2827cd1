"""AppTest helpers shared by the page tests: open the app, inject a project, fail on any page exception."""
import copy
import time

from streamlit.testing.v1 import AppTest


def app(ws=None, tab=None, **query) -> AppTest:
    """The page as a browser opens it: `ws` and any other URL parameters (class, teacher, lang, ...) in `query`."""
    at = AppTest.from_file("../app.py", default_timeout=90)
    if ws:
        at.query_params["ws"] = ws
    for k, v in query.items():
        at.query_params[k] = v
    if tab:
        at.session_state["main_tab"] = tab
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_gallery(at) -> AppTest:
    """Open "Lessons & examples", as a click on it does: its cards are drawn only while it is open."""
    at.session_state["gallery_open"] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def inject(at, project, **keys) -> AppTest:
    at.session_state["project"] = copy.deepcopy(project)
    for k, v in keys.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def change(at, edit) -> None:
    """Put a changed copy of the page's project into the session, as a script outside the page would: the project
    there is read-only, and a dict put there is taken in at the door on the next run. edit(project) changes it."""
    project = copy.deepcopy(at.session_state["project"])
    edit(project)
    at.session_state["project"] = project


def poll(at, cond, timeout=30.0):
    """Rerun `at` until cond(at) holds (AppTest has no automatic fragment refresh); False after `timeout` s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        if cond(at):
            return True
        time.sleep(0.3)
    return False
