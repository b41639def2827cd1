"""A lesson's variants as buttons named as the lesson text names them ("Click **no positional encoding**")."""
from __future__ import annotations

import streamlit as st

from i18n import _
from presets import apply_variant, list_presets, load_preset

from .. import state
from .opening import open_project
from ..workspace import laid_out


def label(variant: dict, lang: str) -> str:
    names = variant.get("label") or {}
    return names.get(lang) or names.get("en") or variant["id"]


def base_of(project: dict) -> dict:
    """The lesson as shipped (a variant is applied to it, not on top of another variant)."""
    for info in list_presets():
        preset = load_preset(info.name)
        if preset.get("lesson") == project.get("lesson"):
            return preset
    return project


def open_variant(variant_id: str) -> None:
    try:
        project = apply_variant(base_of(state.project()), variant_id)
    except Exception as exc:  # a broken preset file: say which variant
        state.flash("error", _("variant {id}: {error}").format(id=variant_id, error=exc))
        return
    open_project(laid_out(project), _("Opened “{name}”. Press Train to see it learn.").format(
        name=project.get("name")))


def show(lang: str) -> None:
    """One button per variant, the open one marked; nothing for a lesson without variants."""
    variants = state.project().get("variants") or []
    if not variants:
        return
    st.markdown(_("**Variants** — open one to train it alone, or press **Run all variants** to compare them:"))
    cols = st.columns(min(4, len(variants)))
    active = state.project().get("active_variant")
    for i, v in enumerate(variants):
        cols[i % len(cols)].button(label(v, lang), key=f"variant_{v['id']}", on_click=open_variant, args=(v["id"],),
                                   type="primary" if v["id"] == active else "secondary", width="stretch")
