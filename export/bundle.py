"""Run bundles: one .zip with the project, weights, curves, last probes and the exported script.

Reading treats the zip as hostile: a size cap, a fixed list of member names (no paths, so no zip
slip), per-member and total size caps checked while reading (zip bombs), a compression-ratio cap,
sha256 of every member against the manifest, and weights read with torch.load(weights_only=True).
"""
from __future__ import annotations

import copy
import hashlib
import io
import json
import platform
import time
import zipfile
import zlib
from dataclasses import dataclass, field

import torch

from builder import safe_json
from builder.checked_project import Checked, checked
from builder.compile import GraphError, build_model
from builder.limits import LIMITS as SERVER_LIMITS
from builder.outside import project_from_outside
from builder.project import Project, ProjectError, dumps

from .curves import CurveError, curves_from_csv, curves_to_csv
from .weights import WeightsError, check_weights, read_state_dict, weights_bytes

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

    def __init__(self, message: str, node: str | None = None):
        super().__init__(message)
        self.node = node


@dataclass
class Bundle:
    source: Checked  # the bundle's project, parsed and checked once when it was read
    state_dict: dict | None = None  # parameter name -> tensor (checked against the graph)
    epochs: dict = field(default_factory=dict)  # snapshot["epochs"]: {"epoch": [...], "train_loss": [...], ...}
    steps: dict = field(default_factory=dict)  # snapshot["steps"]: {"step": [...], "loss": [...], "lr": [...]}
    probes: dict | None = None  # the last probe snapshot (snapshot["probes"])
    manifest: dict = field(default_factory=dict)
    script: str | None = None  # the exported model.py (text only; never executed)

    @property
    def project(self) -> Project:
        return self.source.project

    def model(self):
        """build_model(project) with the bundle's weights loaded (fresh weights when it has none)."""
        model = build_model(self.source)
        if self.state_dict is not None:
            model.load_state_dict(self.state_dict)
        return model

    def snapshot(self) -> dict:
        """The parts of a TrainingJob snapshot a bundle restores (docs/snapshot.md keys)."""
        run = self.manifest.get("run") or {}
        return {"schema": 1, "revision": 0, "status": run.get("status") or "finished", "message": run.get("message"),
                "error": None, "settings": copy.deepcopy(self.project.training), "dataset": run.get("dataset"),
                "progress": run.get("progress"), "steps": copy.deepcopy(self.steps),
                "epochs": copy.deepcopy(self.epochs), "probes": copy.deepcopy(self.probes)}


def _versions() -> dict:
    import torch
    out = {"python": platform.python_version(), "torch": torch.__version__}
    try:
        from importlib.metadata import version
        out["onnx"] = version("onnx")
    except Exception:  # onnx is optional for bundles
        pass
    return out


def build_bundle(source: Checked, model=None, snapshot: dict | None = None, script: bool = True) -> bytes:
    """The .zip bytes. `model`: an nn.Module or state_dict (checked against the graph); `snapshot`: a
    TrainingJob snapshot whose epochs/steps become CSV and whose probes are kept."""
    project = source.project
    members = {"project.json": dumps(project).encode("utf-8")}
    if model is not None:
        state = model.state_dict() if hasattr(model, "state_dict") else model
        try:
            check_weights(state, build_model(source), "weights")
        except GraphError as e:
            raise BundleError(f"weights cannot be saved for a graph with problems: {e}") from None
        except WeightsError as e:
            raise BundleError(str(e), e.node) from None
        members["weights.pt"] = weights_bytes(state)
    snapshot = snapshot or {}
    if snapshot.get("epochs"):
        members["metrics.csv"] = curves_to_csv(snapshot["epochs"], "epoch").encode("utf-8")
    if snapshot.get("steps"):
        members["steps.csv"] = curves_to_csv(snapshot["steps"], "step").encode("utf-8")
    if snapshot.get("probes"):
        try:
            members["probes.json"] = json.dumps(snapshot["probes"], allow_nan=False).encode("utf-8")
        except (TypeError, ValueError) as e:  # the snapshot contract says plain JSON with None for NaN
            raise BundleError(f"probes: not plain JSON ({e})") from None
    if script:
        members["model.py"] = _script(source)
    members = {k: v for k, v in members.items() if v is not None}
    run = {k: snapshot.get(k) for k in ("status", "message", "dataset", "progress") if snapshot.get(k) is not None}
    manifest = {"format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "name": project.name, "versions": _versions(), "run": run,
                "members": {k: {"bytes": len(v), "sha256": hashlib.sha256(v).hexdigest()} for k, v in members.items()}}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, allow_nan=False))
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _script(source: Checked) -> bytes | None:
    from .script import export_script
    try:
        return export_script(source, training=True).encode("utf-8")
    except ValueError:  # a data set the script cannot load (an uploaded CSV): the model class alone
        try:
            return export_script(source, training=False).encode("utf-8")
        except ValueError:  # the graph has problems: no script
            return None


def _check_names(infos) -> None:
    seen = set()
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
            raise BundleError(f"member '{name[:80]}' points outside the bundle folder (path traversal): refused")
        if name not in LIMITS:
            raise BundleError(f"unexpected member '{name[:80]}': a bundle holds only {', '.join(LIMITS)}")
        if name in seen:
            raise BundleError(f"member '{name}' appears twice")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise BundleError(f"member '{name}' is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BundleError(f"member '{name}' uses an unsupported compression method")
    for name in REQUIRED:
        if name not in seen:
            raise BundleError(f"not a NeuroCanvas bundle: '{name}' is missing")


def _check_sizes(infos) -> None:
    total = 0
    for info in infos:
        if info.file_size > LIMITS[info.filename]:
            raise BundleError(f"member '{info.filename}' is {info.file_size:,} bytes uncompressed, above its "
                              f"limit of {LIMITS[info.filename]:,}")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BundleError(f"member '{info.filename}' expands {info.file_size // max(info.compress_size, 1):,}"
                              f" times (limit {MAX_RATIO}): refused as a zip bomb")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise BundleError(f"the bundle expands to {total:,} bytes, above the limit of {MAX_TOTAL_BYTES:,}")


def _read(zf: zipfile.ZipFile, info) -> bytes:
    """A member's bytes, never more than its limit whatever the header claims."""
    limit, out, n = LIMITS[info.filename], [], 0
    with zf.open(info) as f:
        while chunk := f.read(1 << 20):
            n += len(chunk)
            if n > limit:
                raise BundleError(f"member '{info.filename}' expands beyond its limit of {limit:,} bytes "
                                  f"(its header understates its size): refused as a zip bomb")
            out.append(chunk)
    return b"".join(out)


def _open(data) -> zipfile.ZipFile:
    if hasattr(data, "read"):
        data = data.read(MAX_BUNDLE_BYTES + 1)
    elif not isinstance(data, (bytes, bytearray)):
        with open(data, "rb") as f:
            data = f.read(MAX_BUNDLE_BYTES + 1)
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(f"the bundle is larger than the {MAX_BUNDLE_BYTES >> 20} MiB limit")
    try:
        return zipfile.ZipFile(io.BytesIO(bytes(data)))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BundleError("not a bundle: the file is not a zip archive, or it is damaged") from None


def read_bundle(data) -> Bundle:
    """Validate and read a bundle (bytes, a path or a file-like object); BundleError says what is wrong."""
    zf = _open(data)
    with zf:
        infos = zf.infolist()
        _check_names(infos)
        _check_sizes(infos)
        try:
            raw = {info.filename: _read(zf, info) for info in infos}
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
            raise BundleError(f"the bundle is damaged ({type(e).__name__}: {str(e)[:120]})") from None
    manifest = _manifest(raw)
    try:
        project = project_from_outside(raw["project.json"], "project.json")  # bounded, no server paths
    except ProjectError as e:
        raise BundleError(str(e)) from None
    bundle = Bundle(checked(project), manifest=manifest)
    if "weights.pt" in raw:
        bundle.state_dict = _weights(raw["weights.pt"], bundle.source)
    try:
        if "metrics.csv" in raw:
            bundle.epochs = curves_from_csv(raw["metrics.csv"], "metrics.csv", "epoch")
        if "steps.csv" in raw:
            bundle.steps = curves_from_csv(raw["steps.csv"], "steps.csv", "step")
    except CurveError as e:
        raise BundleError(str(e)) from None
    if "probes.json" in raw:
        bundle.probes = _probes(raw["probes.json"])
    if "model.py" in raw:
        try:
            bundle.script = raw["model.py"].decode("utf-8")
        except UnicodeDecodeError:
            raise BundleError("model.py: not UTF-8 text") from None
    return bundle


def _json(data: bytes, name: str):
    try:
        return safe_json.loads(data, name, LIMITS[name])  # bounded nesting: no RecursionError
    except safe_json.JSONLimitError as e:
        raise BundleError(str(e)) from None


def _probes(data: bytes) -> dict:
    """probes.json checked against the snapshot schema, so the Layers view draws it or says why not."""
    from trainers.probes.schema import probe_problem
    probes = _json(data, "probes.json")
    problem = probe_problem(probes)
    if problem:
        raise BundleError(f"probes.json: {problem}")
    return probes


def _manifest(raw: dict) -> dict:
    manifest = _json(raw["manifest.json"], "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(f"manifest.json: \"format\" must be \"{FORMAT}\"")
    listed = manifest.get("members")
    if not isinstance(listed, dict):
        raise BundleError("manifest.json: \"members\" must list each member's sha256")
    for name, data in raw.items():
        if name == "manifest.json":
            continue
        entry = listed.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise BundleError(f"member '{name}' is not listed in manifest.json")
        if hashlib.sha256(data).hexdigest() != entry["sha256"].lower():
            raise BundleError(f"member '{name}' does not match its sha256 in manifest.json: "
                              f"the bundle was changed or damaged")
    for name in listed:
        if name not in raw:
            raise BundleError(f"member '{str(name)[:80]}' is listed in manifest.json but missing")
    return manifest


def _weights(data: bytes, source: Checked) -> dict:
    report = source.report  # ids, shapes and the memory budget, checked before anything is allocated
    if not report.ok:
        raise BundleError(f"weights.pt: the bundle's graph has problems, so its weights cannot be used: "
                          f"{'; '.join(str(p) for p in report.errors[:5])}", report.errors[0].node)
    try:
        state = read_state_dict(data, "weights.pt")
        with torch.device("meta"):  # the expected names and shapes, without allocating the model
            model = build_model(source)
        check_weights(state, model, "weights.pt")
    except WeightsError as e:
        raise BundleError(str(e), e.node) from None
    except GraphError as e:
        raise BundleError(f"weights.pt: the bundle's graph has problems, so its weights cannot be used: {e}") from None
    return state
