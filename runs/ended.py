"""A run that has ended, as the server keeps it: its final snapshot and where its weights are on disk (no model)."""
from __future__ import annotations

import copy
from pathlib import Path

from i18n import _


class EndedJob:
    """Read-only job interface of an ended run; the weights are read from disk only when asked for."""

    running = False

    def __init__(self, final: dict, weights_path=None):
        self._final = final
        self.weights_path = Path(weights_path) if weights_path else None

    @property
    def status(self) -> str:
        return self._final.get("status") or "finished"

    @property
    def error(self):
        return self._final.get("error")

    @property
    def message(self):
        return self._final.get("message")

    def snapshot(self) -> dict:
        return self._final

    def state_dict(self, timeout: float | None = None) -> dict:
        import torch
        if self.weights_path is None or not self.weights_path.is_file():
            raise RuntimeError(_("this run kept no weights (it failed or was interrupted before they were saved)"))
        return torch.load(self.weights_path, map_location="cpu", weights_only=True)

    def start(self) -> bool:
        return False

    pause = resume = step = start

    def stop(self) -> bool:
        return True

    def join(self, timeout: float | None = None) -> bool:
        return True


def failed_snapshot(last: dict | None, reason: str) -> dict:
    """The last snapshot a run sent (its curves so far), now failed with `reason`."""
    base = copy.deepcopy(last) if last else {"schema": 1, "revision": 0, "message": None, "settings": {},
                                             "progress": None, "steps": {}, "epochs": {}, "probes": None}
    return {**base, "status": "failed", "error": reason, "revision": base.get("revision", 0) + 1}


def ended_snapshot(final: dict, reason) -> dict:
    """A run's last snapshot, stopped by the server for `reason` (an i18n Message): its text for logs, and msgid and
    arguments so the page reads it in each viewer's language; curves and everything else unchanged."""
    return {**final, "status": "stopped", "message": str(reason), "message_n": [reason.msgid, dict(reason.args)]}
