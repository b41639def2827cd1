"""One message catalogue for every text a person reads: gettext, English and Simplified Chinese.

Every package may import it (it imports nothing of ours). Source strings are English msgids; the
catalogues live in i18n/locales/<lang>/LC_MESSAGES/neurocanvas.po (.mo beside them).
"""
from __future__ import annotations

import contextvars
import functools
import gettext
from pathlib import Path

DOMAIN = "neurocanvas"
LANGUAGES = ("en", "zh")  # the first is the source language and the fallback
LOCALE_DIR = Path(__file__).parent / "locales"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("neurocanvas_lang", default=LANGUAGES[0])


@functools.lru_cache(maxsize=None)
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def set_language(lang: str | None) -> str:
    """Make `lang` the language of this thread's texts (an unknown one falls back to English)."""
    chosen = lang if lang in LANGUAGES else LANGUAGES[0]
    _current.set(chosen)
    return chosen


def language() -> str:
    return _current.get()


def _(message: str) -> str:
    """`message` (an English msgid) in the current language."""
    return _catalogue(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogue(_current.get()).ngettext(singular, plural, n)
