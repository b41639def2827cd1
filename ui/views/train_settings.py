"""Training settings widgets: data set (with a preview), loss, optimizer, lr, schedule, batch, epochs, device."""
from __future__ import annotations

import streamlit as st

from builder.ops import set_training
from i18n import _
import torch

from trainers import (DATASETS, DEFAULT_OPTIMIZER, DEVICES, LOSSES, OPTIMIZERS, SCHEDULES, TrainingSettings, describe,
                      load_dataset, pick_device)
from trainers.settings import RANGES

from .. import state
from . import cards, csv_upload, data_options, image_data
from ..figures.dataset_preview import preview
from .chart import as_figure

BUILT_IN = [n for n in DATASETS if n not in ("csv", "mnist", "fashion_mnist", "images")]  # usable with no file or network


def _key(name: str) -> str:
    return f"t:{st.session_state[state.GEN]}:{name}"


FIELDS = {"dataset": "dataset", "loss": "loss", "batch": "batch_size", "epochs": "epochs", "seed": "seed",
          "device": "device"}  # widget name -> training field
WHOLE = ("batch", "epochs", "seed")


DEFAULTS = TrainingSettings()  # what a field the project leaves out trains with: trainers' own definition


def _apply(name: str) -> None:
    """on_change: the widget's value becomes an edit of the project before the script runs, so the summary and
    Train, drawn above these widgets, already see it on this rerun (not one rerun later)."""
    t, value = state.training(), st.session_state[_key(name)]
    if name in ("opt", "lr"):
        set_ = {"type": value} if name == "opt" else {"lr": float(value)}
        changes = {"optimizer": {**(t.get("optimizer") or DEFAULT_OPTIMIZER), **set_}}
    elif name == "sched":
        now = (t.get("schedule") or DEFAULTS.schedule).get("type")
        changes = {"schedule": {"type": value}} if value != now else {}
    elif name == "dataset":
        changes = {"dataset": value}
        if value != t.get("dataset") and {"csv", "images"} & {value, t.get("dataset")}:
            changes["dataset_options"] = {}  # a CSV's text or a picture zip mean nothing to a built-in set
    else:
        changes = {FIELDS[name]: int(value) if name in WHOLE else value}
    if changes:
        state.edit(set_training(**changes), own_widgets=True)


def _on(name: str) -> dict:
    return {"key": _key(name), "on_change": _apply, "args": (name,)}


def _pick(label, options, current, name, **kw):
    options = list(options)
    if current not in options:
        options = [current] + options
    return st.selectbox(label, options, index=options.index(current), **_on(name), **kw)


def _shown(value, cast, lo, hi, default, field: str):
    """The value a number box can show for a setting from a file: in range and of the box's type. A value
    it cannot show is named in a warning; the box then shows the nearest valid one."""
    if value is None:
        return cast(default)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
    if ok and cast is int and not float(value).is_integer():
        ok = False
    if ok and lo <= value <= hi:
        return cast(value)
    shown = cast(min(max(value, lo), hi)) if ok else cast(default)
    span = f"{lo:g} to {hi:g}" if cast is float else f"{lo} to {hi}"
    st.warning(_("training.{field}: {value!r} is not a usable value (expected {kind} from {span}); using "
                 "{shown!r}").format(field=field, value=value, kind=cast.__name__, span=span, shown=shown))
    return shown


def _number(where, label, value, cast, name, field, **kw):
    """A number box for one setting, within the range trainers gives it, its default trainers' own."""
    (lo, hi), default = RANGES[field], _default(field)
    shown = _shown(value, cast, lo, hi, default, field)
    return cast(where.number_input(label, value=shown, min_value=cast(lo), max_value=cast(hi), **_on(name), **kw))


def _default(field: str):
    """The value a field the project leaves out trains with ("optimizer.lr": the default optimizer's)."""
    return DEFAULT_OPTIMIZER["lr"] if field == "optimizer.lr" else getattr(DEFAULTS, field)


def show() -> None:
    """The settings widgets; what they show (a value the project leaves out: its default) becomes the project's."""
    t = state.training()
    shown = {}
    cols = st.columns([2, 3])
    with cols[0]:
        shown["dataset"] = _pick(_("Data set"), BUILT_IN + ["mnist", "fashion_mnist", "csv", "images"],
                                 t.get("dataset", DEFAULTS.dataset), "dataset", format_func=_label,
                                 help=_("built-in sets need no network; MNIST needs a local copy; or upload a CSV"))
        _data_controls(shown["dataset"], t)
        t = state.training()  # the data controls may have edited the options
        shown.update(_model_settings(t))
    _adopt(t, shown)
    t = state.training()
    with cols[1]:
        if t["dataset"] == "csv":
            csv_upload.preview(t)
        elif t["dataset"] == "images":
            image_data.preview(t)
        else:
            _preview(t["dataset"], t.get("dataset_options") or {})


def _data_controls(dataset: str, t: dict) -> None:
    if dataset == "csv":
        csv_upload.controls(t)
    elif dataset == "images":
        image_data.controls(t)
    else:
        try:
            st.caption(_(describe(dataset)))  # the loader's docstring line, a catalogue msgid
        except Exception:
            st.caption(dataset)
        data_options.show(t)


def _model_settings(t: dict) -> dict:
    """Loss, optimizer, schedule, batch, epochs, seed and device widgets: {field: the value each shows}."""
    shown = {"loss": _pick(_("Loss"), LOSSES, t.get("loss", DEFAULTS.loss), "loss",
                           help=_("CrossEntropyLoss for classes, MSELoss / L1Loss / HuberLoss for values"))}
    opt = dict(t.get("optimizer") or DEFAULT_OPTIMIZER)
    c = st.columns(2)
    names = list(OPTIMIZERS)
    default = names.index(DEFAULT_OPTIMIZER["type"])
    opt["type"] = c[0].selectbox(_("Optimizer"), names, **_on("opt"),
                                 index=names.index(opt["type"]) if opt.get("type") in names else default)
    opt["lr"] = _number(c[1], _("Learning rate"), opt.get("lr"), float, "lr", "optimizer.lr", format="%g",
                        step=0.0005, help=_("step size of the optimizer; too high and the loss explodes"))
    shown["optimizer"] = opt
    sched = dict(t.get("schedule") or DEFAULTS.schedule)
    chosen = _pick(_("Schedule"), SCHEDULES, sched.get("type", DEFAULTS.schedule["type"]), "sched",
                   help=_("how the learning rate changes during training"))
    shown["schedule"] = sched if chosen == sched.get("type") else {"type": chosen}
    cards.row([shown["loss"], opt["type"], chosen], "settings")
    c = st.columns(3)
    shown["batch_size"] = _number(c[0], _("Batch"), t.get("batch_size"), int, "batch", "batch_size", step=8)
    shown["epochs"] = _number(c[1], _("Epochs"), t.get("epochs"), int, "epochs", "epochs")
    shown["seed"] = _number(c[2], _("Seed"), t.get("seed"), int, "seed", "seed", help=_("same seed, same curve"))
    shown["device"] = _pick(_("Device"), DEVICES, t.get("device", DEFAULTS.device), "device",
                            help=_("auto uses a CUDA GPU when there is one"))
    st.caption(device_line(shown["device"]))
    return shown


def _adopt(t: dict, shown: dict) -> None:
    """What the widgets show becomes the project's (a default filled in, a value a box cannot hold replaced):
    an edit of the settings' own, not an undo step."""
    changes = {k: v for k, v in shown.items() if t.get(k) != v}
    if changes:
        state.edit(set_training(**changes), own_widgets=True, record=False)


def _label(name: str) -> str:
    return csv_upload.LABEL if name == "csv" else image_data.LABEL if name == "images" else name


def device_line(choice: str) -> str:
    try:
        dev = pick_device(choice)
    except Exception as exc:
        return f"⚠ {exc}"
    if dev.type == "cuda":
        return _("Training on the GPU: {name}").format(name=torch.cuda.get_device_name(0))
    return _("Training on the CPU") if torch.cuda.is_available() else _("Training on the CPU (no GPU found)")


def _preview(name: str, options: dict) -> None:
    try:
        data = load_dataset(name, **options)
    except Exception as exc:  # e.g. MNIST without a local copy: name the set and the reason
        st.info(_("Data set '{name}' cannot be previewed: {exc}").format(name=name, exc=exc))
        return
    st.markdown(_("**{name}** · {samples:,} samples · input {shape} · {task}").format(
        name=name, samples=len(data), shape=list(data.input_shape),
        task=_("{n} classes").format(n=data.n_classes) if data.n_classes else _("regression")))
    kind, what = preview(data)
    if kind == "figure":
        st.plotly_chart(as_figure(what), width="stretch", key=f"preview:{name}", config={"displayModeBar": False},
                        theme=None)
    else:
        st.dataframe(what, hide_index=True, width="stretch", height=260)
