"""The "Fix: ..." buttons beside a problem: each applies its edits to the project as one undoable edit."""
from __future__ import annotations

import streamlit as st

from builder.fixes import Fix
from builder.ops import ApplyFix

from .. import state


def show(problem, key: str) -> None:
    """One small button per fix of `problem` (a builder Problem); nothing when it has none."""
    for i, fix in enumerate(getattr(problem, "fixes", ()) or ()):
        st.button(fix.label, key=f"fix:{key}:{i}:{state.digest(fix.to_dict())}", on_click=take, args=(fix,),
                  icon=":material/build:", type="tertiary")


def take(fix: Fix) -> None:
    """Apply `fix`; the canvas adopts the new graph in one step (its Undo brings the old one back)."""
    if problem := state.edit(ApplyFix(fix)):
        state.flash("error", str(problem))
