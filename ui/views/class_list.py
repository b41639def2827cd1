"""The server's classes (beside the workspace store), who asks (for rate limits) and the names of what a class lets
its students change."""
from __future__ import annotations

import streamlit as st

from runs.classes import CHANGE_LABELS, Classes

from ..workspace import store


@st.cache_resource(show_spinner=False)
def classes() -> Classes:
    """The classes tables live in the workspace store's file, on its connection."""
    return Classes(*store().shared())


def client_id() -> str:
    """Who asks, as far as rate limits go: the connection's address (a proxy on this machine may say whose, through
    X-Forwarded-For, as uvicorn trusts from 127.0.0.1); "local" for this machine. Not a cookie: a script drops it."""
    address = st.context.ip_address
    return f"ip:{address}" if address else "local"


def changes_labels() -> dict:
    return {k: str(v) for k, v in CHANGE_LABELS.items()}
