"""What a run bundle may hold, and the checks that refuse a hostile or damaged one.

Member names come from a fixed list (no paths, so no zip slip), sizes are capped per member and in
total (zip bombs), every member must match its sha256 in the manifest, and weights and probes are
checked against the bundle's own graph and the snapshot schema. Errors are N_ Messages, so the page
shows them in the reader's language.
"""
from __future__ import annotations

import hashlib
import zipfile

import torch

from builder import safe_json
from builder.checked_project import Checked
from builder.compile import GraphError, build_model
from builder.limits import LIMITS as SERVER_LIMITS
from i18n import N_, Message

from .weights import WeightsError, check_weights, read_state_dict

FORMAT = "neurocanvas-bundle/1"
MAX_BUNDLE_BYTES = SERVER_LIMITS.bundle_bytes  # the upload itself (Streamlit's default upload cap is 200 MB too)
MAX_TOTAL_BYTES = SERVER_LIMITS.bundle_total_bytes  # all members uncompressed
MAX_RATIO = 100  # uncompressed / compressed for members over 1 MiB; weights barely compress, text ~5x
RATIO_FLOOR = 2**20
LIMITS = {  # member -> largest uncompressed size
    "manifest.json": 1 * 2**20,
    "project.json": SERVER_LIMITS.project_bytes,
    "weights.pt": 500 * 2**20,
    "metrics.csv": 16 * 2**20,
    "steps.csv": 16 * 2**20,
    "probes.json": 64 * 2**20,
    "model.py": 2 * 2**20,
}
REQUIRED = ("manifest.json", "project.json")


class BundleError(ValueError):
    """A bundle that is refused; the message names the member and, for weights, the node."""

    def __init__(self, message: str | Message, node: str | None = None):
        super().__init__(message)
        self.node = node


def check_names(infos) -> None:
    seen = set()
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
            raise BundleError(N_("member '{name}' points outside the bundle folder (path traversal): refused", name=name[:80]))
        if name not in LIMITS:
            raise BundleError(N_("unexpected member '{name}': a bundle holds only {members}", name=name[:80], members=", ".join(LIMITS)))
        if name in seen:
            raise BundleError(N_("member '{name}' appears twice", name=name))
        seen.add(name)
        if info.flag_bits & 0x1:
            raise BundleError(N_("member '{name}' is encrypted", name=name))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BundleError(N_("member '{name}' uses an unsupported compression method", name=name))
    for name in REQUIRED:
        if name not in seen:
            raise BundleError(N_("not a NeuroCanvas bundle: '{name}' is missing", name=name))


def check_sizes(infos) -> None:
    total = 0
    for info in infos:
        if info.file_size > LIMITS[info.filename]:
            raise BundleError(N_("member '{name}' is {size:,} bytes uncompressed, above its limit of {limit:,}",
                                 name=info.filename, size=info.file_size, limit=LIMITS[info.filename]))
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BundleError(N_("member '{name}' expands {ratio:,} times (limit {limit}): refused as a zip bomb",
                                 name=info.filename, ratio=info.file_size // max(info.compress_size, 1), limit=MAX_RATIO))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise BundleError(N_("the bundle expands to {size:,} bytes, above the limit of {limit:,}",
                             size=total, limit=MAX_TOTAL_BYTES))


def read_member(zf: zipfile.ZipFile, info) -> bytes:
    """A member's bytes, never more than its limit whatever the header claims."""
    limit, out, n = LIMITS[info.filename], [], 0
    with zf.open(info) as f:
        while chunk := f.read(1 << 20):
            n += len(chunk)
            if n > limit:
                raise BundleError(N_("member '{name}' expands beyond its limit of {limit:,} bytes (its header "
                                     "understates its size): refused as a zip bomb", name=info.filename, limit=limit))
            out.append(chunk)
    return b"".join(out)


def json_member(data: bytes, name: str):
    try:
        return safe_json.loads(data, name, LIMITS[name])  # bounded nesting: no RecursionError
    except safe_json.JSONLimitError as e:
        raise BundleError(str(e)) from None


def probes_of(data: bytes) -> dict:
    """probes.json checked against the snapshot schema, so the Layers view draws it or says why not."""
    from trainers.probes.schema import probe_problem
    probes = json_member(data, "probes.json")
    problem = probe_problem(probes)
    if problem:
        raise BundleError(N_("probes.json: {problem}", problem=problem))
    return probes


def manifest_of(raw: dict) -> dict:
    manifest = json_member(raw["manifest.json"], "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(N_("manifest.json: \"format\" must be \"{format}\"", format=FORMAT))
    listed = manifest.get("members")
    if not isinstance(listed, dict):
        raise BundleError(N_("manifest.json: \"members\" must list each member's sha256"))
    for name, data in raw.items():
        if name == "manifest.json":
            continue
        entry = listed.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise BundleError(N_("member '{name}' is not listed in manifest.json", name=name))
        if hashlib.sha256(data).hexdigest() != entry["sha256"].lower():
            raise BundleError(N_("member '{name}' does not match its sha256 in manifest.json: the bundle was changed "
                                 "or damaged", name=name))
    for name in listed:
        if name not in raw:
            raise BundleError(N_("member '{name}' is listed in manifest.json but missing", name=str(name)[:80]))
    return manifest


def weights_of(data: bytes, source: Checked) -> dict:
    report = source.report  # ids, shapes and the memory budget, checked before anything is allocated
    if not report.ok:
        raise BundleError(N_("weights.pt: the bundle's graph has problems, so its weights cannot be used: {why}",
                             why="; ".join(str(p) for p in report.errors[:5])), report.errors[0].node)
    try:
        state = read_state_dict(data, "weights.pt")
        with torch.device("meta"):  # the expected names and shapes, without allocating the model
            model = build_model(source)
        check_weights(state, model, "weights.pt")
    except WeightsError as e:
        raise BundleError(str(e), e.node) from None
    except GraphError as e:
        raise BundleError(N_("weights.pt: the bundle's graph has problems, so its weights cannot be used: {why}",
                             why=e)) from None
    return state
