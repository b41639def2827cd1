"""Training settings widgets: data set (with a preview), loss, optimizer, lr, schedule, batch, epochs, device."""
from __future__ import annotations

import streamlit as st

from i18n import _
import torch

from trainers import (DATASETS, DEFAULT_OPTIMIZER, DEVICES, LOSSES, OPTIMIZERS, SCHEDULES, describe, load_dataset,
                      pick_device)

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


def _apply(name: str) -> None:
    """on_change: write the widget's value into the project before the script runs, so the summary and
    Train, drawn above these widgets, already see it on this rerun (not one rerun later)."""
    t, value = state.training(), st.session_state[_key(name)]
    if name in ("opt", "lr"):
        opt = dict(t.get("optimizer") or DEFAULT_OPTIMIZER)
        opt.update({"type": value} if name == "opt" else {"lr": float(value)})
        t["optimizer"] = opt
    elif name == "sched":
        if value != (t.get("schedule") or {}).get("type", "none"):
            t["schedule"] = {"type": value}
    elif name == "dataset":
        if value != t.get("dataset") and {"csv", "images"} & {value, t.get("dataset")}:
            t["dataset_options"] = {}  # a CSV's text or a picture zip mean nothing to a built-in set, and vice versa
        t["dataset"] = value
    else:
        t[FIELDS[name]] = int(value) if name in WHOLE else value


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


def _number(where, label, value, cast, bounds, name, field, **kw):
    """A number box for one setting; `bounds` = (min, max, default)."""
    lo, hi, default = bounds
    shown = _shown(value, cast, lo, hi, default, field)
    return cast(where.number_input(label, value=shown, min_value=cast(lo), max_value=cast(hi), **_on(name), **kw))


def show() -> None:
    t = state.training()
    cols = st.columns([2, 3])
    with cols[0]:
        t["dataset"] = _pick(_("Data set"), BUILT_IN + ["mnist", "fashion_mnist", "csv", "images"],
                             t.get("dataset", "digits"),
                             "dataset", format_func=_label,
                             help=_("built-in sets need no network; MNIST needs a local copy; or upload a CSV"))
        if t["dataset"] == "csv":
            csv_upload.controls(t)
        elif t["dataset"] == "images":
            image_data.controls(t)
        else:
            try:
                st.caption(describe(t["dataset"]))
            except Exception:
                st.caption(t["dataset"])
            data_options.show(t)
        t["loss"] = _pick(_("Loss"), LOSSES, t.get("loss", "CrossEntropyLoss"), "loss",
                          help=_("CrossEntropyLoss for classes, MSELoss / L1Loss / HuberLoss for values"))
        opt = dict(t.get("optimizer") or DEFAULT_OPTIMIZER)
        c = st.columns(2)
        names = list(OPTIMIZERS)
        opt["type"] = c[0].selectbox(_("Optimizer"), names, **_on("opt"),
                                     index=names.index(opt["type"]) if opt.get("type") in names else names.index("Adam"))
        opt["lr"] = _number(c[1], _("Learning rate"), opt.get("lr"), float, (1e-6, 10.0, 0.001), "lr",
                            "optimizer.lr", format="%g", step=0.0005,
                            help=_("step size of the optimizer; too high and the loss explodes"))
        t["optimizer"] = opt
        sched = dict(t.get("schedule") or {"type": "none"})
        chosen = _pick(_("Schedule"), SCHEDULES, sched.get("type", "none"), "sched",
                       help=_("how the learning rate changes during training"))
        t["schedule"] = sched if chosen == sched.get("type") else {"type": chosen}
        cards.row([t["loss"], opt["type"], chosen], "settings")
        c = st.columns(3)
        t["batch_size"] = _number(c[0], _("Batch"), t.get("batch_size"), int, (1, 65536, 64), "batch",
                                  "batch_size", step=8)
        t["epochs"] = _number(c[1], _("Epochs"), t.get("epochs"), int, (1, 10000, 10), "epochs", "epochs")
        t["seed"] = _number(c[2], _("Seed"), t.get("seed"), int, (0, 2**31 - 1, 0), "seed", "seed",
                            help=_("same seed, same curve"))
        t["device"] = _pick(_("Device"), DEVICES, t.get("device", "auto"), "device",
                            help=_("auto uses a CUDA GPU when there is one"))
        st.caption(device_line(t["device"]))
    with cols[1]:
        if t["dataset"] == "csv":
            csv_upload.preview(t)
        elif t["dataset"] == "images":
            image_data.preview(t)
        else:
            _preview(t["dataset"], t.get("dataset_options") or {})


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
