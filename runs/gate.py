"""Who may start a class and how fast anyone may join one: the teacher password the server sets, and rates.

A client is what the page can tell about who asks (its network address, see ui.views.classroom.client_id); the
rates per class hold whoever asks, so many addresses still cannot fill a class in a moment.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import os

from i18n import _

from .ratelimit import LIMITER, Rate

PASSWORD_ENV = "NEUROCANVAS_TEACHER_PASSWORD"
START_OPEN = Rate(burst=3, every_s=20 * 60)  # classes one client may start without a password: 3, then one per 20 min
PASSWORD_TRIES = Rate(burst=5, every_s=60)   # wrong teacher passwords one client may try: 5, then one a minute
JOIN_CLIENT = Rate(burst=10, every_s=3)      # join attempts from one client: 10 at once, then one every 3 s
JOIN_CLASS = Rate(burst=20, every_s=1)       # join attempts on one class, whoever asks: 20 at once, then one a second


class GateError(ValueError):
    """A class that may not be started, or joined, now; the message is for the person who asked."""


def teacher_password() -> str | None:
    """The secret a teacher types to start a class; None: this server lets anyone start one (rate-limited)."""
    return os.environ.get(PASSWORD_ENV) or None


def _seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


def _same(given, secret: str) -> bool:
    """Constant time whatever the lengths: both sides are hashed to 32 bytes first."""
    given = given if isinstance(given, str) else ""
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(secret.encode()).digest())


def check_start(password, client: str) -> None:
    """GateError unless `client` may start a class now: the right password when the server set one (wrong ones are
    rate-limited), else within the open rate."""
    secret = teacher_password()
    if secret is None:
        wait = LIMITER.take((START_OPEN, ("start", client)))
        if wait:
            raise GateError(_("No teacher password is set on this server, so each address may start only a few "
                              "classes: try again in {s} s.").format(s=_seconds(wait)))
        return
    tries = ("password", client)
    wait = LIMITER.wait(PASSWORD_TRIES, tries)
    if wait:
        raise GateError(_("Too many wrong teacher passwords from this address: try again in {s} s.").format(
            s=_seconds(wait)))
    if not _same(password, secret):
        LIMITER.take((PASSWORD_TRIES, tries))
        said = _("Wrong teacher password") if password else _("Type the teacher password first")
        raise GateError(_("{problem}: classes on this server are started with the password its owner set ({env}).")
                        .format(problem=said, env=PASSWORD_ENV))


def check_join(code: str, client: str) -> None:
    """GateError when `client`, or everyone together on class `code`, tried to join too often just now (every
    attempt counts, a wrong code or a taken name too)."""
    wait = LIMITER.take((JOIN_CLIENT, ("join", client)), (JOIN_CLASS, ("join-class", code)))
    if wait:
        raise GateError(_("Too many people are joining at once from here or into this class: try again in "
                          "{s} s.").format(s=_seconds(wait)))
