"""Classes and their students in the project's SQLite file: codes, hashed teacher keys, members, locks, bounds.

No streamlit here. Every value from a browser (code, key, name, workspace id) is checked before any query.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

from i18n import N_, _

from . import gate

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed without mistakes
CODE_LEN = 6
CODE_PATTERN = re.compile(rf"^[{ALPHABET}]{{{CODE_LEN}}}$")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
NAME_MAX = 40
MEMBERS_KEPT = 4096  # workspaces whose class (or none) is remembered in memory
CHANGES = ("all", "training", "none")  # everything | training settings only | nothing but Train
CHANGE_LABELS = {"all": N_("everything"), "training": N_("training settings only"), "none": N_("nothing but Train")}
LANGS = ("en", "zh")

SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (code TEXT PRIMARY KEY, key_hash TEXT NOT NULL, title TEXT NOT NULL,
    lesson TEXT NOT NULL, lang TEXT NOT NULL, changes TEXT NOT NULL, locked INTEGER NOT NULL DEFAULT 0,
    challenge TEXT, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS members (ws TEXT PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL,
    folded TEXT NOT NULL, joined REAL NOT NULL, UNIQUE (code, folded));
CREATE INDEX IF NOT EXISTS members_code ON members (code, joined);
"""


class ClassError(ValueError):
    """A request about a class that cannot be honoured; the message is for the person who made it."""


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


def max_students() -> int:
    return _env_int("NEUROCANVAS_MAX_STUDENTS", 60)


def max_classes() -> int:
    return _env_int("NEUROCANVAS_MAX_CLASSES", 50)


def keep_days() -> int:
    return _env_int("NEUROCANVAS_CLASS_DAYS", 30)


def _gate(check, value, client) -> None:
    """runs.gate's `check` for a request from `client` (none for a trusted caller), refusing as a ClassError."""
    if client is not None:
        try:
            check(value, client)
        except gate.GateError as exc:
            raise ClassError(str(exc)) from None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def normal_code(code) -> str | None:
    """The code as stored (upper case, no spaces), or None when it cannot be one."""
    if not isinstance(code, str) or len(code) > 20:
        return None
    code = code.strip().replace(" ", "").replace("-", "").upper()
    return code if CODE_PATTERN.match(code) else None


def clean_name(name) -> str:
    """A student's name as shown on the board: trimmed, printable, at most NAME_MAX characters."""
    if not isinstance(name, str):
        raise ClassError(_("Type your name first."))
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if not name:
        raise ClassError(_("Type your name first."))
    if len(name) > NAME_MAX or any(unicodedata.category(c)[0] == "C" for c in name):
        raise ClassError(_("A name has at most {n} printable characters.").format(n=NAME_MAX))
    return name


@dataclass(frozen=True)
class Klass:
    code: str
    title: str
    lesson: dict        # the neurocanvas/1 project every student starts from
    lang: str           # "en" | "zh"
    changes: str        # one of CHANGES
    locked: bool        # the teacher holds the class: no edits, no new training
    challenge: dict | None
    created: float

    def allows(self) -> str:
        """What students may change now: "all", "training" or "none"."""
        return "none" if self.locked else self.changes


@dataclass(frozen=True)
class Member:
    ws: str             # the student's workspace id: also the secret that brings them back
    code: str
    name: str
    joined: float


class Classes:
    """Classes and members on a connection shared with the workspace store (same file, same lock)."""

    def __init__(self, db, lock):
        self._db, self._lock = db, lock
        self._members: OrderedDict = OrderedDict()  # ws -> Member | None: a page asks on every rerun
        with self._lock, self._db:
            self._db.executescript(SCHEMA)

    def create(self, title: str, lesson: dict, lang: str = "en", changes: str = "all",
               challenge: dict | None = None, client: str | None = None, password=None) -> tuple[str, str]:
        """A new class: (code, teacher key). The key is returned once and stored only as a hash. The page passes
        `client` and the typed `password` (runs.gate decides); None is a trusted caller (a script on the server)."""
        if lang not in LANGS or changes not in CHANGES:
            raise ClassError(_("Unknown class language or permission."))
        _gate(gate.check_start, password, client)
        key, now = secrets.token_urlsafe(24), time.time()
        with self._lock, self._db:
            self._db.execute("DELETE FROM members WHERE code IN (SELECT code FROM classes WHERE created < ?)",
                             (now - keep_days() * 86400,))
            self._db.execute("DELETE FROM classes WHERE created < ?", (now - keep_days() * 86400,))
            self._members.clear()  # members of the classes just dropped
            if self._db.execute("SELECT COUNT(*) FROM classes").fetchone()[0] >= max_classes():
                raise ClassError(_("This server already holds {n} classes, its limit; try again later.")
                                 .format(n=max_classes()))
            code = self._free_code()
            self._db.execute("INSERT INTO classes VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
                             (code, _hash(key), str(title)[:200], json.dumps(lesson), lang, changes,
                              json.dumps(challenge) if challenge else None, now))
        return code, key

    def _free_code(self) -> str:
        while True:
            code = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LEN))
            if not self._db.execute("SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone():
                return code

    def get(self, code) -> Klass | None:
        code = normal_code(code)
        if code is None:
            return None
        with self._lock:
            row = self._db.execute("SELECT code, title, lesson, lang, changes, locked, challenge, created "
                                   "FROM classes WHERE code = ?", (code,)).fetchone()
        if row is None:
            return None
        return Klass(code=row[0], title=row[1], lesson=json.loads(row[2]), lang=row[3], changes=row[4],
                     locked=bool(row[5]), challenge=json.loads(row[6]) if row[6] else None, created=row[7])

    def is_teacher(self, code, key) -> bool:
        """True only for the key made with the class (compared in constant time)."""
        code = normal_code(code)
        if code is None or not isinstance(key, str) or not KEY_PATTERN.match(key):
            return False
        with self._lock:
            row = self._db.execute("SELECT key_hash FROM classes WHERE code = ?", (code,)).fetchone()
        return row is not None and hmac.compare_digest(row[0], _hash(key))

    def set_locked(self, code: str, locked: bool) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE classes SET locked = ? WHERE code = ?", (int(bool(locked)), code))

    def join(self, code, name, client: str | None = None) -> Member:
        """A new student of the class with their own workspace id; a name already taken is refused. The page passes
        `client`: attempts are rate-limited per client and per class (runs.gate); None is a trusted caller."""
        _gate(gate.check_join, normal_code(code) or "?", client)
        klass = self.get(code)
        if klass is None:
            raise ClassError(_("There is no class with this code."))
        name = clean_name(name)
        member = Member(ws="c" + secrets.token_hex(8), code=klass.code, name=name, joined=time.time())
        with self._lock, self._db:
            if self._db.execute("SELECT COUNT(*) FROM members WHERE code = ?", (klass.code,)).fetchone()[0] \
                    >= max_students():
                raise ClassError(_("This class is full ({n} students).").format(n=max_students()))
            if self._db.execute("SELECT 1 FROM members WHERE code = ? AND folded = ?",
                                (klass.code, name.casefold())).fetchone():
                raise ClassError(_("“{name}” has already joined this class: pick another name, or open your own "
                                   "link again on the computer you joined from.").format(name=name))
            self._db.execute("INSERT INTO members VALUES (?, ?, ?, ?, ?)",
                             (member.ws, member.code, member.name, name.casefold(), member.joined))
        return member

    def member(self, ws) -> Member | None:
        """The student whose workspace this is, or None for a workspace outside every class."""
        if not isinstance(ws, str) or len(ws) > 64:
            return None
        with self._lock:  # a workspace's class never changes: it joins as a new workspace, or goes with its class
            if ws in self._members:
                self._members.move_to_end(ws)
                return self._members[ws]
            row = self._db.execute("SELECT ws, code, name, joined FROM members WHERE ws = ?", (ws,)).fetchone()
            self._members[ws] = Member(*row) if row else None
            while len(self._members) > MEMBERS_KEPT:
                self._members.popitem(last=False)
            return self._members[ws]

    def members(self, code: str) -> list[Member]:
        with self._lock:
            rows = self._db.execute("SELECT ws, code, name, joined FROM members WHERE code = ? ORDER BY joined",
                                    (code,)).fetchall()
        return [Member(*r) for r in rows]
