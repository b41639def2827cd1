"""One message catalogue for every text a person reads: gettext, English and Simplified Chinese.

Every package may import it (it imports nothing of ours). Source strings are English msgids; the
catalogues live in i18n/locales/<lang>/LC_MESSAGES/neurocanvas.po (.mo beside them).
"""
from __future__ import annotations

import contextvars
import functools
import gettext
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Message:
    """A msgid and its arguments, rendered in the reader's language when read, not when made.

    A cached check report or a worker's error is read by people in different languages; keeping the msgid
    lets each of them see it in their own. An argument may itself be a Message.
    """
    msgid: str
    args: tuple = ()  # ((name, value), ...) sorted by name, so equal messages compare equal

    def __str__(self) -> str:
        text = _(self.msgid)
        if not self.args:
            return text
        return text.format(**{k: str(v) if isinstance(v, Message) else v for k, v in self.args})


def N_(msgid: str, **args) -> Message:
    """Mark `msgid` for translation when it is read; `{name}` fields are filled from `args` then."""
    return Message(msgid, tuple(sorted(args.items())))


def text(value) -> str:
    """A Message or a plain msgid in the current language (an unknown string comes back unchanged)."""
    return str(value) if isinstance(value, Message) else _(str(value))


def language_from_env(environ) -> str:
    """The language a command line speaks: LANGUAGE, LC_ALL, LC_MESSAGES then LANG ("zh_CN.UTF-8" -> "zh")."""
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = (environ.get(key) or "").split(":")[0].split("_")[0].split(".")[0].lower()
        if value in LANGUAGES:
            return value
    return LANGUAGES[0]
