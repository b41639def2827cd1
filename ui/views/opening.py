"""Opening a whole project on the page (a lesson, an upload, a link, an import, a variant, a bundle), said once."""
from __future__ import annotations

import streamlit as st

from i18n import _
from runs.admission import listing

from .. import state
from .class_list import changes_labels


def kept_back(parts) -> str:
    """What a class put back as its lesson has it, and what the student may change."""
    allowed = changes_labels()[st.session_state[state.LOCK][0]]
    return _("Your class keeps {parts} as the lesson has them, so they were put back: you may change "
             "{allowed}.").format(parts=listing(parts), allowed=allowed)


def open_project(new, opened: str, select: str | None = None) -> bool:
    """Make `new` (a dict or a builder Project) the page's project through state.replace and say how it went:
    `opened` when it opened, what the class kept back, or why nothing opened. True when it opened (as far as the
    class allows)."""
    problem, held = state.replace(new, select)
    if problem is not None:
        state.flash("error", str(problem))
        return False
    state.flash(*(("warning", kept_back(held)) if held else ("success", opened)))
    return True
