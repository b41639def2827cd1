"""The graph editor component: the React Flow bundle in frontend/ and its Python host."""
from .host import CanvasEvent, auto_layout, canvas, canvas_event, event_state, live_pictures, with_positions

__all__ = ["CanvasEvent", "auto_layout", "canvas", "canvas_event", "event_state", "live_pictures", "with_positions"]
