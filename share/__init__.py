"""Take a run home: share links, run bundles (.zip) and short links to saved runs (no UI code)."""
from export.bundle import Bundle, BundleError, build_bundle, read_bundle
from export.links import LinkError, decode_project, encode_project, project_from_query, share_url
from .opening import Opened, open_query
from .store import RunNotFound, load_run, run_url, save_run

__all__ = ["Bundle", "BundleError", "build_bundle", "read_bundle", "LinkError", "decode_project",
           "encode_project", "project_from_query", "share_url", "Opened", "open_query", "RunNotFound", "load_run",
           "run_url", "save_run"]
