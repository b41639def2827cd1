"""The user's own CSV as the data set: upload it, pick the target column, see a preview and any problem."""
from __future__ import annotations

import functools
import io

import pandas as pd
import streamlit as st

from builder.limits import LIMITS
from builder.ops import set_training
from i18n import _
from trainers import TrainingError, load_dataset
from trainers.datasets.csv import read_frame

from .. import state
from . import data_problems

MAX_BYTES = LIMITS.csv_bytes  # the text is stored in the project file and embedded in the exported script
MAX_MB = MAX_BYTES // 2**20
LABEL = "your CSV file…"
SOURCE = "uploaded CSV"  # how trainers' loader names text it was given


def named(message: str, name: str | None) -> str:
    """The loader's message with the file's own name in place of 'uploaded CSV'."""
    return message.replace(SOURCE, name, 1) if name and message.startswith(SOURCE) else message


def read_text(data: bytes, name: str) -> tuple[str | None, str | None]:
    """(text, None) for a readable CSV of at least two columns and one row, else (None, why) naming the file."""
    if len(data) > MAX_BYTES:
        return None, f"{name}: {len(data) / 1024 / 1024:.1f} MB is over the {MAX_MB} MB limit"
    if not data.strip():
        return None, f"{name}: the file is empty"
    try:
        text = data.decode("utf-8-sig")  # also strips the byte-order mark Excel writes
    except UnicodeDecodeError:
        return None, f"{name}: not UTF-8 text; save it as 'CSV UTF-8' and upload it again"
    try:
        frame = read_frame(text=text)[0]  # trainers' reader: row, column and byte limits before parsing
    except TrainingError as exc:
        return None, named(str(exc), name)
    except Exception as exc:  # anything else pandas raises on odd text: a message, never a traceback
        return None, f"{name}: not a readable CSV ({str(exc).strip()[:200]})"
    if frame.shape[1] < 2:
        return None, f"{name}: needs at least two columns (features and a target), found {frame.shape[1]}"
    if len(frame) == 0:
        return None, f"{name}: a header but no data rows"
    return text, None


def columns(text: str) -> list[str]:
    """The header of the CSV text."""
    return [str(c) for c in pd.read_csv(io.StringIO(text), nrows=0).columns]


def options_from_upload(data: bytes, name: str, target: str | None = None) -> tuple[dict | None, str | None]:
    """As _parsed, with a fresh dict the caller may change."""
    options, problem = _parsed(data, name, target)
    return (dict(options) if options else None), problem


@functools.lru_cache(maxsize=4)  # an upload is parsed once, not on every rerun of the page
def _parsed(data: bytes, name: str, target: str | None = None) -> tuple[dict | None, str | None]:
    """training.dataset_options {"text", "target"} for uploaded bytes, or (None, why). The target defaults to
    the last column; the file must also load in trainers (no gaps, some features) to be accepted."""
    text, problem = read_text(data, name)
    if problem:
        return None, problem
    header = columns(text)
    options = {"text": text, "target": target if target in header else header[-1]}
    problem = load(options, name)[1]
    return (None, problem) if problem else (options, None)


def load(options: dict, name: str | None = None):
    """(Dataset, None) via trainers' own loader, or (None, why) naming the file and the problem."""
    if not options.get("text") and not options.get("path"):
        return None, "Upload a CSV file, then pick the column to predict."
    try:
        return load_dataset("csv", **options), None
    except TrainingError as exc:
        return None, named(str(exc), name)
    except Exception as exc:  # anything pandas raises on odd text: a message, never a traceback
        return None, f"{name or SOURCE}: not a readable CSV ({exc})"


def _key(name: str) -> str:
    return f"t:{st.session_state[state.GEN]}:{name}"


def _file_name(text: str | None) -> str | None:
    """The uploader's file name when it holds the text in the project (not a refused later file)."""
    upload = st.session_state.get(_key("csv_file"))
    if upload is None or upload.getvalue().decode("utf-8-sig", errors="replace") != text:
        return None
    return upload.name


def _uploaded() -> None:
    """on_change of the uploader: a good file replaces the options before the page is drawn; a bad one
    leaves them as they were (the reason is shown under the uploader)."""
    upload = st.session_state.get(_key("csv_file"))
    if upload is None:
        return
    t = state.training()
    options = options_from_upload(upload.getvalue(), upload.name, (t.get("dataset_options") or {}).get("target"))[0]
    if options:
        state.edit(set_training(dataset="csv", dataset_options=options), own_widgets=True)


def _target() -> None:
    t = state.training()
    options = {**(t.get("dataset_options") or {}), "target": st.session_state[_key("csv_target")]}
    state.edit(set_training(dataset_options=options), own_widgets=True)


def controls(t: dict) -> None:
    """Uploader and target picker, under the Data set picker; they write into training.dataset_options."""
    st.caption(_('At most {MAX_MB} MB. Numeric columns are used as they are, text columns become one-hot; empty cells '
                 'are not allowed.').format(
        MAX_MB=MAX_MB))
    upload = st.file_uploader(_("CSV file"), type=["csv"], key=_key("csv_file"), on_change=_uploaded,
                              max_upload_size=max(1, MAX_MB))
    options = t.get("dataset_options") or {}
    if upload is not None:
        fresh, problem = options_from_upload(upload.getvalue(), upload.name, options.get("target"))
        if problem:
            st.error(_("{problem} — the data set settings were not changed.").format(problem=problem),
                     icon=":material/error:")
        elif fresh["text"] != options.get("text"):  # the callback did not run (e.g. first draw after a rerun)
            state.edit(set_training(dataset_options=fresh), own_widgets=True)
            options = fresh
    if not options.get("text"):
        return
    try:
        header = columns(options["text"])
    except Exception as exc:
        st.error(_('{value}: not a readable CSV ({exc})').format(
            value=upload.name if upload else SOURCE, exc=exc), icon=":material/error:")
        return
    current = options.get("target")
    pick = header if current in header else [current] + header
    st.selectbox(_("Column to predict (target)"), pick, index=pick.index(current), key=_key("csv_target"),
                 on_change=_target, help=_("the other columns are the inputs"))


def preview(t: dict) -> None:
    """The first rows as read, what trainers makes of them, or the reason it cannot."""
    options = t.get("dataset_options") or {}
    name = _file_name(options.get("text"))
    data, problem = load(options, name)
    if problem:
        (st.info if not options.get("text") else st.error)(problem)
        return
    n_features = int(data.input_shape[0])
    what = (_("classification, {n} classes").format(n=data.n_classes) if data.task == "classification"
            else _("regression"))
    st.markdown(_("**{name}** · {rows:,} rows · target **{target}** · {what} · {n_features} input "
                  "features").format(name=name or SOURCE, rows=len(data), target=options["target"], what=what,
                                     n_features=n_features))
    st.dataframe(pd.read_csv(io.StringIO(options["text"]), nrows=8), hide_index=True, width="stretch", height=260)
    data_problems.show()
