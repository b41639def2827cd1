"""The rerun after Train waits briefly for a just-started run's first step (ui.views.dashboard.await_first_step)."""
from __future__ import annotations

import time

from ui.views.dashboard import FIRST_STEP_WAIT_S, await_first_step


class FakeRun:
    """A run whose first step arrives `after` seconds from now (None: never)."""

    def __init__(self, status="running", started=None, after=None):
        self.status, self.started, self.after, self.polls = status, started, after, 0
        self.t0 = time.monotonic()

    def snapshot(self) -> dict:
        self.polls += 1
        ready = self.after is not None and time.monotonic() - self.t0 >= self.after
        return {"steps": {"step": [1]} if ready else {}}


def timed(run) -> float:
    t0 = time.monotonic()
    await_first_step(run)
    return time.monotonic() - t0


def test_it_returns_with_the_first_step():
    run = FakeRun(started=time.monotonic(), after=0.1)
    took = timed(run)
    assert 0.09 <= took < FIRST_STEP_WAIT_S and run.snapshot()["steps"]


def test_it_gives_up_half_a_second_after_the_start():
    start = time.monotonic()
    timed(FakeRun(started=start, after=None))
    assert FIRST_STEP_WAIT_S <= time.monotonic() - start < FIRST_STEP_WAIT_S + 0.2


def test_queued_old_and_restored_runs_are_not_waited_for():
    assert timed(FakeRun(status="queued", started=None)) < 0.01
    assert timed(FakeRun(started=time.monotonic() - 5)) < 0.01  # it has been training a while
    assert timed(FakeRun(status="paused", started=time.monotonic())) < 0.01  # "Start paused": no step will come
