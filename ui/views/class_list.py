"""The server's classes (beside the workspace store) and the names of what a class lets its students change."""
from __future__ import annotations

import streamlit as st

from i18n import _
from runs.classes import Classes

from ..workspace import store


@st.cache_resource(show_spinner=False)
def classes() -> Classes:
    """The classes tables live in the workspace store's file, on its connection."""
    return Classes(*store().shared())


def changes_labels() -> dict:
    return {"all": _("everything"), "training": _("training settings only"), "none": _("nothing but Train")}
