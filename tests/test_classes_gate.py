"""runs.gate and runs.ratelimit: starting a class needs the server's teacher password (wrong ones rate-limited) or,
without one, is rate-limited per client; joins are rate-limited per client and per class, so a burst cannot fill one."""
import threading
import time

import pytest

from runs import gate
from runs.classes import ClassError, Classes
from runs.ratelimit import LIMITER, Limiter, Rate
from runs.store import Store


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The server's limiter, emptied, on a clock the test moves."""
    fake = Clock()
    LIMITER.clear()
    monkeypatch.setattr(LIMITER, "_clock", fake)
    yield fake
    LIMITER.clear()


@pytest.fixture
def db(tmp_path):
    return Classes(*Store(tmp_path / "nc.sqlite").shared())


def test_a_bucket_allows_its_burst_then_one_per_period_and_takes_from_all_keys_or_none():
    clock = Clock()
    limiter = Limiter(clock, keys=3)
    rate = Rate(burst=2, every_s=10)
    assert [limiter.take((rate, "a")) for _ in range(3)] == [0.0, 0.0, 10.0]
    clock.now += 5
    assert limiter.wait(rate, "a") == pytest.approx(5.0) and limiter.take((rate, "a")) == pytest.approx(5.0)
    clock.now += 5
    assert limiter.take((rate, "a")) == 0.0
    assert limiter.take((rate, "b"), (rate, "a")) == pytest.approx(10.0)  # a is empty: b keeps its tokens
    assert limiter.wait(rate, "b") == 0.0 and limiter.take((rate, "b")) == limiter.take((rate, "b")) == 0.0
    for key in ("c", "d", "e"):
        limiter.take((rate, key))
    assert len(limiter._buckets) == 3, "bounded: the least recently used buckets go first"


def test_without_a_password_each_client_may_start_a_few_classes(db, clock, monkeypatch, seed_mlp):
    monkeypatch.delenv(gate.PASSWORD_ENV, raising=False)
    for _ in range(gate.START_OPEN.burst):
        db.create("x", seed_mlp, client="ip:10.0.0.1")
    with pytest.raises(ClassError, match=r"No teacher password is set on this server.*try again in 1200 s"):
        db.create("x", seed_mlp, client="ip:10.0.0.1")
    db.create("x", seed_mlp, client="ip:10.0.0.2")  # another address
    db.create("x", seed_mlp)  # a script on the server itself is trusted
    clock.now += gate.START_OPEN.every_s
    db.create("x", seed_mlp, client="ip:10.0.0.1")


def test_with_a_password_only_it_starts_a_class_and_wrong_ones_are_rate_limited(db, clock, monkeypatch, seed_mlp):
    monkeypatch.setenv(gate.PASSWORD_ENV, "correct horse battery")
    with pytest.raises(ClassError, match=r"Type the teacher password first.*NEUROCANVAS_TEACHER_PASSWORD"):
        db.create("x", seed_mlp, client="ip:10.0.0.1")
    for wrong in ("correct horse", "x" * 10_000, "correct horse battery "):  # with the empty one: 4 of 5 tries
        with pytest.raises(ClassError, match="password"):
            db.create("x", seed_mlp, client="ip:10.0.0.1", password=wrong)
    code, _key = db.create("x", seed_mlp, client="ip:10.0.0.1", password="correct horse battery")
    assert db.get(code) is not None
    with pytest.raises(ClassError, match="Wrong teacher password"):
        db.create("x", seed_mlp, client="ip:10.0.0.1", password="guess")
    with pytest.raises(ClassError, match=r"Too many wrong teacher passwords .* try again in 60 s"):
        db.create("x", seed_mlp, client="ip:10.0.0.1", password="correct horse battery")  # not even tried now
    db.create("x", seed_mlp, client="ip:10.0.0.2", password="correct horse battery")
    clock.now += 60
    db.create("x", seed_mlp, client="ip:10.0.0.1", password="correct horse battery")


def test_sixty_joins_in_a_tenth_of_a_second_do_not_fill_a_class(db, seed_mlp):
    LIMITER.clear()
    code, _key = db.create("x", seed_mlp)
    results = []

    def join(i, client):
        try:
            results.append(db.join(code, f"bot {i}", client=client))
        except ClassError as exc:
            results.append(str(exc))

    began = time.monotonic()
    threads = [threading.Thread(target=join, args=(i, "ip:6.6.6.6")) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.monotonic() - began < 5
    assert len(db.members(code)) == gate.JOIN_CLIENT.burst, "one client: its burst"
    assert any("Too many people are joining at once" in r for r in results if isinstance(r, str))
    for i in range(60):  # sixty addresses at once: the class's own rate holds
        join(100 + i, f"ip:10.1.0.{i}")
    assert len(db.members(code)) == gate.JOIN_CLASS.burst < 60
    LIMITER.clear()


def test_wrong_codes_count_against_the_client_too(db, clock):
    for _ in range(gate.JOIN_CLIENT.burst):
        with pytest.raises(ClassError, match="no class"):
            db.join("ABCDEF", "Ana", client="ip:6.6.6.6")
    with pytest.raises(ClassError, match="Too many"):
        db.join("ABCDEF", "Ana", client="ip:6.6.6.6")
