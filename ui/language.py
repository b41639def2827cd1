"""Which language the page speaks: ?lang= in the URL, the class's language, the browser's, then English."""
from __future__ import annotations

import streamlit as st

from i18n import LANGUAGES, set_language

from . import state

NAMES = {"en": "English", "zh": "中文"}  # each in its own language: a reader finds theirs in any page language


def _known(tag) -> str | None:
    """'zh-CN', 'zh_Hans', 'ZH' -> 'zh'; None for a language we do not speak."""
    base = str(tag or "").strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The first language we speak in an Accept-Language header, by its q weight ("fr;q=0.9, zh;q=0.8" -> zh)."""
    ranked = []
    for i, part in enumerate((header or "")[:500].split(",")[:20]):  # a header is outside input: bounded
        tag, _, weight = part.strip().partition(";q=")
        try:
            q = float(weight) if weight else 1.0
        except ValueError:
            continue
        ranked.append((-q, i, tag))
    return next((lang for *_, tag in sorted(ranked) if (lang := _known(tag))), None)


def resolve(query: str | None, class_lang: str | None = None, browser: str | None = None) -> str:
    """The first of ?lang=, the class's language and the browser's that we speak; else English."""
    return _known(query) or _known(class_lang) or _known(browser) or LANGUAGES[0]


def browser_language() -> str | None:
    """The browser's preferred language: its locale (navigator.language), else the Accept-Language header."""
    try:
        locale = st.context.locale
        headers = st.context.headers
    except Exception:  # noqa: BLE001 - no browser (AppTest, bare script): no preference
        return None
    return _known(locale) or from_accept_language(headers.get("Accept-Language") if headers else None)


def apply(class_lang: str | None = None) -> str:
    """Decide this run's language at the top of the page, keep it in ?lang= and make `_` speak it.

    A language chosen on the page since the last run (the switch, or a test setting the state) wins over an
    unchanged URL; otherwise ?lang=, the class's and the browser's language decide."""
    query, before = st.query_params.get("lang"), st.session_state.get(state.LANG_APPLIED)
    chosen = _known(st.session_state.get(state.LANG))
    if before and chosen and chosen != before and query == before:
        lang = chosen
    else:
        lang = resolve(query, class_lang, None if _known(query) else browser_language())
    state.set_lang(lang)
    if query != lang:
        st.query_params["lang"] = lang
    return set_language(lang)


def follow() -> str:
    """At the top of each fragment: a fragment's rerun skips the page's top, where apply() ran."""
    return set_language(st.session_state.get(state.LANG))


def switch() -> None:
    """The language switch, on the page itself (not only in the collapsed sidebar)."""
    st.segmented_control("Language / 语言", list(NAMES), format_func=NAMES.get, key=state.LANG,
                         label_visibility="collapsed")  # apply() on the next run writes the choice into ?lang=
