"""Undo and redo as a history of checked projects: immutable, so a page keeps it beside its value."""
from __future__ import annotations

from dataclasses import dataclass

LIMIT = 100  # steps kept: values share every unchanged part, so a step costs little more than its change


@dataclass(frozen=True)
class History:
    past: tuple = ()    # earlier values, oldest first: Undo brings back the last
    future: tuple = ()  # values undone, the next first: Redo

    def after(self, old) -> "History":
        """The history once `old` was replaced by an edit: `old` can come back, nothing can be redone."""
        return History((self.past + (old,))[-LIMIT:], ())

    def back(self, current):
        """(the value before, the history then), or None when there is nothing to undo."""
        if not self.past:
            return None
        return self.past[-1], History(self.past[:-1], (current,) + self.future)

    def forward(self, current):
        """(the value undone last, the history then), or None when there is nothing to redo."""
        if not self.future:
            return None
        return self.future[0], History(self.past + (current,), self.future[1:])

    def to_dict(self) -> dict:
        return {"undo": bool(self.past), "redo": bool(self.future)}
