"""Short links to saved trained runs: a run is a bundle file under <data dir>/shared/<id>.zip.

The data directory is NEUROCANVAS_DATA, default ./data (the same rule as ui/store.py). Pure functions,
no streamlit. A saved run is read-only: opening one gives a Bundle; "make a copy" is copy_project().
"""
from __future__ import annotations

import copy
import os
import re
import secrets
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from builder.checked_project import checked
from builder.project import Project, load_project
from export.bundle import Bundle, BundleError, build_bundle, read_bundle

PARAM = "run"  # the query key: ?run=<id>
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{10}$")
FOLDER = "shared"


class RunNotFound(LookupError):
    """No saved run under that id (or the id is not one we would ever make)."""


def data_dir(path=None) -> Path:
    return Path(path or os.environ.get("NEUROCANVAS_DATA") or "data")


def run_path(run_id: str, root=None) -> Path:
    if not isinstance(run_id, str) or not ID_PATTERN.match(run_id):
        raise RunNotFound(f"'{str(run_id)[:40]}' is not a saved-run id")
    return data_dir(root) / FOLDER / f"{run_id}.zip"


def save_run(project, model=None, snapshot: dict | None = None, root=None) -> str:
    """Save project, weights (module or state_dict), curves and last probes; returns a new short id."""
    data = build_bundle(checked(load_project(project)), model, snapshot)
    folder = data_dir(root) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        run_id = secrets.token_urlsafe(8)[:10]  # 60 random bits
        path = folder / f"{run_id}.zip"
        if not path.exists():
            break
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)  # readers never see half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return run_id


def load_run(run_id: str, root=None) -> Bundle:
    """The saved run; RunNotFound for an unknown id, BundleError if the file was damaged on disk."""
    path = run_path(run_id, root)
    if not path.is_file():
        raise RunNotFound(f"no saved run '{run_id}' on this server (it may have been removed)")
    try:
        return read_bundle(path)
    except BundleError as e:
        raise BundleError(f"saved run '{run_id}': {e}") from None


def copy_project(bundle: Bundle) -> Project:
    """An editable copy of a saved run's project ("make a copy" to continue training)."""
    project = copy.deepcopy(bundle.project)
    project.name = f"{project.name} (copy)"
    return project


def run_url(base_url: str, run_id: str) -> str:
    """base_url with ?run=<id> (other query keys kept)."""
    run_path(run_id)  # refuse ids we would never make
    parts = urlsplit(base_url)
    query = [(k, v) for k, vs in parse_qs(parts.query, keep_blank_values=True).items() for v in vs if k != PARAM]
    return urlunsplit(parts._replace(query=urlencode(query + [(PARAM, run_id)])))
