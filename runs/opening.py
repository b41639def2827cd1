"""What a page's query parameters ask to open: a shared project (?project=) or a saved run (?run=)."""
from __future__ import annotations

from dataclasses import dataclass

from builder.project import Project
from i18n import _

from export import links
from export.bundle import Bundle, BundleError

from . import store


@dataclass
class Opened:
    kind: str  # "project" | "run"
    project: Project | None = None  # the project to show (for a run: its project, read-only)
    run: Bundle | None = None  # the saved run (weights, curves, probes)
    error: str | None = None  # why the link could not be opened, for people


def open_query(params, root=None) -> Opened | None:
    """None when the query holds neither key; otherwise the project/run, or an error message to show."""
    def value(key):
        v = params.get(key) if hasattr(params, "get") else None
        return v[-1] if isinstance(v, list) and v else v

    if value(store.PARAM):
        try:
            run = store.load_run(value(store.PARAM), root)
        except (store.RunNotFound, BundleError) as e:
            return Opened("run", error=_("This run link cannot be opened: {why}").format(why=e))
        return Opened("run", project=run.project, run=run)
    if value(links.PARAM):
        try:
            return Opened("project", project=links.decode_project(value(links.PARAM)))
        except links.LinkError as e:
            return Opened("project", error=_("This share link cannot be opened: {why}").format(why=e))
    return None
