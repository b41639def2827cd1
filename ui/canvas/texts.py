"""Every text the canvas component shows, in the page's language (the bundle itself holds no English)."""
from __future__ import annotations

from builder.catalogue import CATEGORIES
from i18n import _


def canvas_texts() -> dict:
    """{key: text} for the canvas; "categories" maps each palette category to its heading.

    Layer types and parameter names stay PyTorch's; `{source}`, `{target}`, `{count}` and `{type}` are
    filled in by the canvas.
    """
    return {
        "cycle": _("{source} → {target} would close a loop: a network must flow one way."),
        "self_loop": _("A layer cannot feed itself: a network must flow one way."),
        "filter": _("Filter layers"),
        "undo": _("↶ Undo"), "undo_tip": _("Undo (Ctrl+Z)"),
        "redo": _("↷ Redo"), "redo_tip": _("Redo (Ctrl+Shift+Z)"),
        "fit": _("⤢ Fit"), "fit_tip": _("Show the whole network"),
        "layout": _("⇅ Auto-layout"), "layout_tip": _("Arrange the layers top to bottom"),
        "hint": _("Drag a layer from the palette onto the canvas, then connect its handles."),
        "param_one": _("{count} param"), "params": _("{count} params"),
        "unknown": _("unknown layer type {type}"),
        "zoom_in": _("Zoom in"), "zoom_out": _("Zoom out"), "fit_view": _("Fit view"),
        "minimap": _("Mini map"), "controls": _("Zoom controls"),
        # read by screen readers
        "edge_label": _("Wire from {source} to {target}"),
        "node_help": _("Press enter or space to select a layer. Press delete to remove it and escape to cancel."),
        "edge_help": _("Press enter or space to select a wire. Then press delete to remove it or escape to cancel."),
        "moved": _("Moved the selected layer {direction}. New position: x {x}, y {y}"),
        "categories": {cat: _(cat) for cat in CATEGORIES},
    }
