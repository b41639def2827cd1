"""The one reader for a project that comes from outside the server (link, upload, bundle): data, never a path."""
from __future__ import annotations

import json

from i18n import N_

from . import safe_json
from .limits import PATH_OPTIONS, current
from .project import Project, ProjectError, graph_from_dict, project_from_dict


def path_fields(training) -> list[str]:
    """The training.dataset_options fields that would name files on the server (command line only)."""
    options = training.get("dataset_options") if isinstance(training, dict) else None
    if not isinstance(options, dict):
        return []
    return [f"training.dataset_options.{k}" for k in PATH_OPTIONS if k in options]


def refuse_paths(training, where: str) -> None:
    fields = path_fields(training)
    if fields:
        raise ProjectError(N_("{where}: {field} names a file or folder on the server, which only the command line "
                             "may do: upload the data instead", where=where, field=fields[0]))


def project_from_outside(source, where: str) -> Project:
    """A Project from JSON text/bytes or an already parsed value; ProjectError names the field at fault."""
    try:
        if isinstance(source, (str, bytes, bytearray)):
            data = safe_json.loads(bytes(source) if isinstance(source, bytearray) else source, where)
        else:
            safe_json.check_depth(source, where)
            data = source
    except safe_json.JSONLimitError as e:
        raise ProjectError(str(e)) from None
    project = project_from_dict(data, where)
    refuse_paths(project.training, where)
    return project


def graph_from_outside(data, where: str = "canvas edit") -> dict:
    """A canvas edit's graph dict, checked in size, nesting and structure; ProjectError names the field."""
    graph_from_dict(bounded_graph(data, where), where)
    return data


def bounded_graph(data, where: str = "canvas edit") -> dict:
    """A canvas edit's graph dict checked in size and nesting only: the edit that takes it in parses its structure
    (builder.edits.apply(..., where=where)), once."""
    if not isinstance(data, dict):
        raise ProjectError(N_("{where}: the graph must be an object with \"nodes\" and \"edges\"", where=where))
    try:
        safe_json.check_depth(data, where)  # before json.dumps, which recurses
    except safe_json.JSONLimitError as e:
        raise ProjectError(str(e)) from None
    size = len(json.dumps(data, default=str))
    limit = current().canvas_bytes
    if size > limit:
        raise ProjectError(N_("{where}: {n:,} bytes is above the limit of {limit:,} for one edit",
            where=where, n=size, limit=limit))
    return data
