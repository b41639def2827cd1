"""Whether the server queues a run: this server's epoch limit, and a class member's locks (the lesson from the store).

The registry asks before a run enters the queue; the page asks the same question to explain a disabled Train.
A class's rule is builder.locks over the whole project: a student's run is allowed when the parts their class
fixes equal the class's own lesson, or that lesson with one of its own variants applied ("Run all variants").
"""
from __future__ import annotations

from builder import locks
from i18n import N_, Message
from presets import apply_variant

from . import limits
from .classes import CHANGE_LABELS

PARTS = {"graph": N_("the network"), "training": N_("the training settings"),
         "project": N_("the lesson's name, description and variants")}


class Refused(ValueError):
    """A run the server will not queue; str() reads in the current language, `message` keeps msgid and arguments."""

    def __init__(self, message: Message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def client_of(ws: str, member) -> str:
    """Whom the fair queue serves a run for: the class of a class member, else the workspace."""
    return f"class:{member.code}" if member is not None else f"ws:{ws}"


def lesson_bases(lesson: dict) -> list[dict]:
    """What a class hands out: its lesson, then the lesson with each of its variants applied."""
    bases = [lesson]
    for variant in lesson.get("variants") or []:
        try:
            bases.append(apply_variant(lesson, variant["id"]))
        except Exception:  # a broken variant of the class's own copy: nobody can be allowed to run it
            continue
    return bases


def listing(parts) -> Message:
    """"the network and the training settings": the parts named, in a fixed order, in the reader's language."""
    named = [PARTS[p] for p in locks.PARTS if p in parts]
    message = named[-1]
    for earlier in reversed(named[:-1]):
        message = N_("{first} and {rest}", first=earlier, rest=message)
    return message


def class_problem(klass, project: dict) -> Message | None:
    """Why `klass` does not allow a run of `project` (None: it does)."""
    if klass.locked:
        return N_("class {code}: your teacher has paused the class; no run starts until it is unlocked",
                  code=klass.code)
    _base, parts = locks.nearest(klass.allows(), lesson_bases(klass.lesson), project)
    if not parts:
        return None
    return N_("class {code} lets its students change {allowed}: this run differs from the lesson in {parts} "
              "(refused; press Train on the lesson or one of its variants)", code=klass.code,
              allowed=CHANGE_LABELS.get(klass.allows(), CHANGE_LABELS["none"]), parts=listing(parts))


def epochs_problem(project: dict) -> Message | None:
    """training.epochs over this server's limit (a value of the wrong type is the settings' own problem)."""
    epochs = (project.get("training") or {}).get("epochs") if isinstance(project.get("training"), dict) else None
    limit = limits.max_epochs()
    if isinstance(epochs, int) and not isinstance(epochs, bool) and epochs > limit:
        return N_("training.epochs: {epochs} is more than this server allows ({limit} epochs per run, "
                  "NEUROCANVAS_MAX_EPOCHS)", epochs=format(epochs, ","), limit=format(limit, ","))
    return None


def _judged(ws: str, project: dict, classes) -> tuple[object | None, Message | None]:
    """(the class member whose workspace `ws` is, or None; why the run may not be queued, or None)."""
    if not isinstance(project, dict):
        return None, N_("the run's project is not a project object")
    member = classes.member(ws) if classes is not None else None
    klass = classes.get(member.code) if member is not None else None
    if klass is None:  # outside every class (or a class removed since): only the server's own limits apply
        return None, epochs_problem(project)
    return member, epochs_problem(project) or class_problem(klass, project)


def problem(ws: str, project: dict, classes=None) -> Message | None:
    """Why the server would not queue a run of `project` for workspace `ws` (None: it would)."""
    return _judged(ws, project, classes)[1]


def admit(ws: str, project: dict, classes=None) -> str:
    """The client the fair queue serves this run for; Refused naming the field or the lock when it may not run.

    `classes` is runs.classes.Classes on the server's store (None: no classes, e.g. a registry in a test)."""
    member, found = _judged(ws, project, classes)
    if found is not None:
        raise Refused(found)
    return client_of(ws, member)
