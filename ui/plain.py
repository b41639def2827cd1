"""Text that people typed (a student's name, a class title) shown as itself: in Markdown, a plotly label, a CSV cell."""
from __future__ import annotations

import html
import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all leaves no link,
# emphasis, heading, list, HTML, LaTeX ($) or Streamlit directive (:red[...], :material/...:). GFM's autolinks
# (www.x.y, http://..., a@b.c) are found in the text after parsing, escapes or not: an invisible WORD JOINER
# before every ".", ":" and "@" keeps them from forming, and the name reads as typed.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_JOINER = "\u2060"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads a cell starting with these as a formula


def md(text) -> str:
    """`text` for st.markdown, st.caption, st.error...: every character shown as typed, nothing interpreted."""
    return _PUNCTUATION.sub(lambda m: (_JOINER if m.group(1) in ".:@" else "") + "\\" + m.group(1), str(text))


def label(text) -> str:
    """`text` for a plotly trace name or title, which reads a few HTML tags (<b>, <a href>, <br>)."""
    return html.escape(str(text), quote=False)


def cell(value):
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe (OWASP)."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA) else value
