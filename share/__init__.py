"""Take a run home: share links, run bundles (.zip) and short links to saved runs (no UI code)."""
from .bundle import Bundle, BundleError, build_bundle, read_bundle
from .links import LinkError, decode_project, encode_project, project_from_query, share_url

__all__ = ["Bundle", "BundleError", "build_bundle", "read_bundle", "LinkError", "decode_project",
           "encode_project", "project_from_query", "share_url"]
