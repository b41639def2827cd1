"""Your own pictures as the data set: upload a zip of class folders, add camera shots, see a grid per class."""
from __future__ import annotations

import hashlib
import io
import zipfile

import numpy as np
import streamlit as st

from builder.ops import set_training
from i18n import _
from runs.pictures import DECODER
from trainers import TrainingError, dataset_options
from trainers.datasets import load_outline
from trainers.datasets.images import COLORS, SIZES, decode_zip, encode_zip
from trainers.datasets.picture_zip import MAX_ZIP_BYTES

from .. import state
from . import data_problems

PER_CLASS = 8  # thumbnails shown per class
LABEL = "your pictures (zip)…"


def load(options: dict, name: str | None = None):
    """(Dataset outline, None) from the zip's headers by trainers' own reader, every check and the pixel budget
    applied and nothing decoded (milliseconds), or (None, why) naming the file."""
    if not options.get("zip"):
        return None, _("Upload a zip with one folder of pictures per class (PNG or JPEG).")
    try:
        return load_outline("images", **options), None
    except TrainingError as exc:
        return None, f"{name}: {exc}" if name else str(exc)
    except Exception as exc:  # anything Pillow or zipfile raises on odd bytes: a message, never a traceback
        return None, _("{file}: not a usable picture zip ({why})").format(file=name or "zip", why=type(exc).__name__)


def options_from_upload(data: bytes, name: str, current: dict) -> tuple[dict | None, str | None]:
    """training.dataset_options with the zip (size/color/augment kept), or (None, why) naming the file."""
    if len(data) > MAX_ZIP_BYTES:
        return None, _("{file}: {mb:.1f} MB is over the {limit:.1f} MB limit").format(
            file=name, mb=len(data) / 1e6, limit=MAX_ZIP_BYTES / 1e6)
    options = {**{k: v for k, v in current.items() if k in ("size", "color", "augment")}, "zip": encode_zip(data)}
    _data, problem = load(options, name)
    return (None, problem) if problem else (options, None)


def add_picture(options: dict, label: str, picture: bytes) -> dict:
    """The options with one more picture in class `label` (named by its content, so a rerun adds it once)."""
    old = decode_zip(options["zip"])
    name = f"{label}/camera_{hashlib.sha1(picture).hexdigest()[:10]}.png"
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(old)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        if name in src.namelist():
            return options
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(name, picture)
    return {**options, "zip": encode_zip(buf.getvalue())}


def _key(name: str) -> str:
    return f"t:{st.session_state[state.GEN]}:{name}"


def _settings(t: dict, options: dict) -> dict:
    c = st.columns(3)
    size = c[0].number_input(_("Picture size (px)"), SIZES[0], SIZES[1], int(options.get("size", 32)), step=8,
                             key=_key("img_size"), help=_("every picture is resized to size × size"))
    color = c[1].radio(_("Colour"), COLORS, index=COLORS.index(options.get("color", "rgb")) if options.get("color")
                       in COLORS else 0, key=_key("img_color"), horizontal=True,
                       format_func=lambda v: _("RGB") if v == "rgb" else _("gray"))
    augment = c[2].checkbox(_("Flips and shifts"), bool(options.get("augment", False)), key=_key("img_aug"),
                            help=_("light augmentation of training pictures: mirror, move up to 2 pixels"))
    return {**options, "size": int(size), "color": color, "augment": bool(augment)}


def _camera(t: dict, options: dict) -> dict:
    data, _problem = load(options)
    if data is None:
        return options
    with st.expander(_("Add a picture from the camera"), icon=":material/photo_camera:"):
        label = st.selectbox(_("Class"), data.class_names, key=_key("img_class"))
        shot = st.camera_input(_("Take a picture"), key=_key("img_camera"))
        if shot is not None:
            options = add_picture(options, label, shot.getvalue())
    return options


def _uploaded() -> None:
    """on_change of the uploader: a good zip replaces the pictures before the page is drawn; a bad one changes
    nothing (the reason is shown under the uploader)."""
    upload = st.session_state.get(_key("img_zip"))
    if upload is None:
        return
    t = state.training()
    options, _problem = options_from_upload(upload.getvalue(), upload.name, dict(t.get("dataset_options") or {}))
    if options:
        state.edit(set_training(dataset="images", dataset_options=options), own_widgets=True)


def controls(t: dict) -> None:
    """Settings, uploader and camera under the Data set picker; they write training.dataset_options."""
    st.caption(_("A zip of at most {mb:.0f} MB: one folder per class, PNG or JPEG pictures inside.").format(
        mb=MAX_ZIP_BYTES / 1e6))
    options = _settings(t, dict(t.get("dataset_options") or {}))
    upload = st.file_uploader(_("Pictures (.zip)"), type=["zip"], key=_key("img_zip"), on_change=_uploaded)
    if upload is not None and encode_zip(upload.getvalue()) != options.get("zip"):
        _fresh, problem = options_from_upload(upload.getvalue(), upload.name, options)
        if problem:
            st.error(problem + _(" — the data set settings were not changed."), icon=":material/error:")
    options = _camera(t, options)
    if options != (t.get("dataset_options") or {}):  # the size, colour or flips shown, or a picture taken
        state.edit(set_training(dataset_options=options), own_widgets=True, record=False)


def preview(t: dict) -> None:
    """How many pictures per class, then a grid of the first few of each as the network will see them, decoded
    beside the page (runs.pictures) while a progress bar follows it."""
    options = {**dataset_options("images"), **(t.get("dataset_options") or {})}
    data, problem = load(dict(t.get("dataset_options") or {}))
    if problem:
        (st.info if not options.get("zip") else st.error)(problem)
        return
    shape = list(data.input_shape)
    counts = np.bincount(data.y.numpy(), minlength=data.n_classes)
    st.markdown(_("**your pictures** · {n} pictures · {k} classes · input {shape}").format(
        n=len(data), k=data.n_classes, shape=shape))
    job = DECODER.request(options["zip"], options["size"], options["color"])
    if not job.finished:
        _progress(job)
    elif job.problem:
        st.error(job.problem, icon=":material/error:")
    for c, name in enumerate(data.class_names):
        st.caption(_("{name}: {n} pictures").format(name=name, n=int(counts[c])))
        if job.finished and not job.problem:
            st.image(job.thumbs.get(name, []), width=56)
    data_problems.show()


def _progress(job) -> None:
    """A bar that follows the decoding; the page reruns once it has ended, to draw the pictures."""
    @st.fragment(run_every=0.5)
    def poll():
        if job.finished:
            st.rerun()
        st.progress(job.fraction, text=_("Decoding your pictures beside the page: {done} of {total}").format(
            done=job.done, total=job.total or "…"))
    poll()
