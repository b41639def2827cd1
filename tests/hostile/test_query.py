"""Query parameters (?project=, ?run=, ?ws=): every value is data, checked before any file is named."""
import pytest

from hostile_guard import assert_bounded, watch
from runs.opening import open_query
from runs.store import valid_ws


@pytest.mark.parametrize("run", ["../../etc/passwd", "/proc/self/environ", "A" * 5000, "..%2F..%2Fx", ["a", None]])
def test_a_saved_run_link_never_names_a_file(data_dir, run):
    out = watch(lambda: open_query({"run": run}), data_dir=data_dir)
    assert_bounded(out)
    assert out.value is None or "This run link cannot be opened" in out.value.error  # None: no run asked for


@pytest.mark.parametrize("project", ["", "2abc", "1" + "A" * 9000, "1\x00\x00\x00\x00\x00\x00\x00", ["1", "2"]])
def test_a_project_link_that_is_not_one(data_dir, project):
    out = watch(lambda: open_query({"project": project}), data_dir=data_dir)
    assert_bounded(out)
    assert out.value is None or out.value.error.startswith("This share link cannot be opened")


@pytest.mark.parametrize("ws", ["../x", "a" * 65, "", None, "abc123'; --", "ａｂｃ123456789", "abc/../def"])
def test_a_workspace_id_is_letters_digits_dash_underscore(ws):
    assert not valid_ws(ws)
