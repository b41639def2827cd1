"""Concept cards on the page: the card picker beside the canvas, and a card button in the inspector and the
training settings. The cards are data (presets/cards/<lang>/*.md); their pictures are ui/figures/concepts.py."""
from __future__ import annotations

import streamlit as st

from i18n import N_, _, language
from presets.cards import all_concepts, card, concepts

from ..figures.concepts import concept_figure
from . import gallery

KINDS = {"layer": N_("Layers"), "activation": N_("Activations"), "loss": N_("Loss"), "optimizer": N_("Optimizer"),
         "schedule": N_("Schedule"), "regulariser": N_("Regularisers")}  # headings, read in the page's language


def show_card(concept: str, key: str) -> None:
    """One card in the page's language: title, formula, text, picture and the lesson that shows it."""
    found = card(concept, language())
    if found is None:
        st.caption(_("No card for {name} yet.").format(name=concept))
        return
    st.markdown(f"#### {found.title}")
    if found.formula:
        st.latex(found.formula)
    st.markdown(found.body)
    picture = concept_figure(found.picture, concept)
    if picture is not None:
        st.plotly_chart(picture, width="stretch", key=f"card:{key}:{concept}", config={"displayModeBar": False},
                        theme=None)
    if found.lesson:
        st.button(_("Open the lesson that shows it"), key=f"card_lesson:{key}:{concept}", on_click=gallery.load,
                  args=(found.lesson,), icon=":material/school:")


def button(concept: str | None, key: str) -> None:
    """A "?" popover with the card of `concept` (nothing for a concept without a card)."""
    if concept in all_concepts():
        with st.popover(_("Card: {name}").format(name=concept), icon=":material/help:"):
            show_card(concept, key)


def picker() -> None:
    """Every concept's card, by kind: the palette's "?" (the canvas palette itself is a JavaScript component)."""
    with st.popover(_("Concept cards"), icon=":material/menu_book:"):
        kinds = concepts()
        kind = st.segmented_control(_("Kind"), list(kinds), format_func=lambda k: str(KINDS[k]), default="layer",
                                    key="card_kind")
        names = kinds[kind or "layer"]
        chosen = st.selectbox(_("Concept"), names, key=f"card_pick:{kind}")
        show_card(chosen, "picker")


def row(names: list[str | None], key: str) -> None:
    """Card buttons side by side (the training settings: loss, optimizer, schedule)."""
    shown = [n for n in names if n in all_concepts()]
    for col, concept in zip(st.columns(max(1, len(shown))), shown):
        with col:
            button(concept, f"{key}:{concept}")
