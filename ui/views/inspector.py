"""The inspector of the selected node: typed widgets from the catalogue's param specs, rename, delete."""
from __future__ import annotations

import streamlit as st

from builder.catalogue import LAYERS
from builder.node_ops import RemoveNode, Rename, SetParam
from builder.params import validate
from i18n import _

from .. import state
from ..state import INSPECTOR_ERROR as ERR
from ..derived import catalogue, shape_text
from . import cards
from .param_text import ParamError, ints_to_text, parse_ints


def selected_node() -> dict | None:
    """The node open in the inspector (read-only), or None."""
    sid = st.session_state.get(state.SELECTED)
    return next((n for n in state.graph().get("nodes", []) if n.get("id") == sid), None)


def show() -> None:
    node = selected_node()
    if node is None:
        st.caption(_("Select a layer on the canvas to edit its parameters here."))
        return
    spec = catalogue().get(node.get("type"), {})
    nid = node["id"]
    report = state.value().report
    st.markdown(f"**{nid}** · `{node.get('type')}`")
    if spec.get("help"):
        st.caption(spec["help"])
    cards.button(node.get("type"), "inspector")
    if nid in report.shapes:
        st.markdown(_('output **{value}** · {value2:,} parameters').format(
            value=shape_text(report.shapes[nid]), value2=report.param_counts.get(nid, 0)))
    for p in report.problems_for(nid):
        st.error(f"{nid}: {p.message}")
    if not spec:
        st.warning(_('{nid}: unknown layer type {value!r}; delete it or load another project').format(
            nid=nid, value=node.get('type')))
    for name, pspec in spec.get("params", {}).items():
        _widget(node, name, pspec, (node.get("params") or {}).get(name, pspec.get("default")))
    if st.session_state.get(ERR):
        st.error(st.session_state[ERR])
    with st.form(key=f"rename:{nid}", border=False):
        # input and button on their own rows: beside each other the inspector column cut "Rename" off
        new_id = st.text_input(_("id"), value=nid, help=_("the node's name in the project and in the code"))
        if st.form_submit_button(_("Rename"), icon=":material/edit:", width="stretch",
                                 help=_("give this layer a new id; its edges follow")):
            rename(nid, new_id.strip())
            st.rerun()  # the canvas above was drawn with the old id
    st.button(_("Delete layer"), key=f"delete:{nid}", on_click=delete, args=(nid,), type="secondary",
              icon=":material/delete:")


def _widget(node: dict, name: str, spec: dict, value) -> None:
    nid, kind, help_ = node["id"], spec.get("kind"), spec.get("help") or None
    key = f"p:{nid}:{name}:{state.digest(value)}"  # a new key when the value changed elsewhere (canvas)
    args = (nid, name, spec, key)
    if kind == "bool":
        st.checkbox(name, value=bool(value), key=key, help=help_, on_change=_set, args=args)
    elif kind == "choice":
        choices = list(spec.get("choices") or [])
        st.selectbox(name, choices, index=choices.index(value) if value in choices else 0, key=key, help=help_,
                     on_change=_set, args=args)
    elif kind in ("int", "float") and not _fits(node, name, value):
        # a value from a file that a number box cannot hold (out of range, text, null): show it as it is,
        # with check()'s error above, so the person sees what to fix instead of the page failing
        st.text_input(name, value="" if value is None else str(value), key=key, help=help_, on_change=_set,
                      args=(nid, name, {**spec, "raw": True}, key))
    elif kind == "int" and not spec.get("nullable"):
        # no min_value/max_value: the browser would refuse an out-of-range entry silently ("Press Enter to
        # apply", then nothing); _set checks the range and says why under the widgets
        st.number_input(name, value=int(value if value is not None else spec.get("initial") or 0), step=1,
                        key=key, help=_range_help(help_, spec), on_change=_set, args=args)
    elif kind == "float":
        st.number_input(name, value=float(value if value is not None else spec.get("initial") or 0.0),
                        format="%g", step=0.01 if (spec.get("max") or 10) <= 1 else 0.1, key=key,
                        help=_range_help(help_, spec), on_change=_set, args=args)
    else:  # ints, shape, nullable int: text so that "3, 3" and "" (none) are possible
        st.text_input(name, value=ints_to_text(value), key=key, help=help_, on_change=_set, args=args,
                      placeholder=_("empty = default") if spec.get("nullable") else None)


def _range_help(help_: str | None, spec: dict) -> str | None:
    lo, hi = spec.get("min"), spec.get("max")
    if lo is None and hi is None:
        return help_
    span = _("from {lo} to {hi}").format(lo="−∞" if lo is None else lo, hi="∞" if hi is None else hi)
    return f"{help_} ({span})" if help_ else span


def _fits(node: dict, name: str, value) -> bool:
    """Whether a number box can show `value`: the catalogue's own rule for the parameter accepts it."""
    spec = LAYERS.get(node.get("type"))
    ps = spec.params.get(name) if spec else None
    return ps is not None and validate(ps, name, value)[1] is None


def _parse_number(raw: str, field: str, kind: str):
    try:
        number = float(raw.strip())
    except ValueError:
        raise ParamError(f"{field}: expected a number, got {raw!r}") from None
    if kind == "int":
        if not number.is_integer():
            raise ParamError(f"{field}: expected a whole number, got {raw!r}")
        return int(number)
    return number


def _set(nid: str, name: str, spec: dict, key: str) -> None:
    raw = st.session_state[key]
    state.set_inspector_error(None)
    try:
        if spec.get("raw"):
            value = _parse_number(raw, f"{nid}.{name}", spec.get("kind"))
        elif spec.get("kind") in ("ints", "shape") or (spec.get("kind") == "int" and spec.get("nullable")):
            value = parse_ints(raw, f"{nid}.{name}", bool(spec.get("nullable")), spec.get("kind") == "shape",
                               bool(spec.get("empty")))
            if isinstance(value, list) and spec.get("kind") == "int":
                raise ParamError(f"{nid}.{name}: expected one whole number")
        elif spec.get("kind") == "int":
            value = int(raw)
        else:
            value = raw
    except ParamError as exc:
        state.set_inspector_error(str(exc))
        return
    if problem := state.edit(SetParam(nid, name, value)):  # the catalogue's rule: kind, range, choices
        state.set_inspector_error(str(problem))  # the value is not taken; the box shows it until the next edit


def rename(old: str, new: str) -> None:
    """Give node `old` the id `new` (builder.ids' rule); its edges follow."""
    if new == old:
        return
    if problem := state.edit(Rename(old, new)):
        state.set_inspector_error(str(problem))
        return
    state.set_inspector_error(None)
    state.select(new)


def delete(nid: str) -> None:
    state.edit(RemoveNode(nid))
    state.select(None)
    state.set_inspector_error(None)
