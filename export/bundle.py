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

from builder.checked_project import Checked, checked
from builder.compile import GraphError, build_model
from builder.outside import project_from_outside
from builder.project import Project, ProjectError, dumps
from i18n import N_

from .bundle_checks import (FORMAT, LIMITS, MAX_BUNDLE_BYTES, MAX_RATIO, MAX_TOTAL_BYTES, RATIO_FLOOR,  # noqa: F401
                            REQUIRED, BundleError, check_names, check_sizes, manifest_of, probes_of, read_member,
                            weights_of)
from .curves import CurveError, curves_from_csv, curves_to_csv
from .weights import WeightsError, check_weights, weights_bytes


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
            raise BundleError(N_("weights cannot be saved for a graph with problems: {why}", why=e)) from None
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
            raise BundleError(N_("probes: not plain JSON ({why})", why=e)) from None
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


def _open(data) -> zipfile.ZipFile:
    if hasattr(data, "read"):
        data = data.read(MAX_BUNDLE_BYTES + 1)
    elif not isinstance(data, (bytes, bytearray)):
        with open(data, "rb") as f:
            data = f.read(MAX_BUNDLE_BYTES + 1)
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(N_("the bundle is larger than the {limit} MiB limit", limit=MAX_BUNDLE_BYTES >> 20))
    try:
        return zipfile.ZipFile(io.BytesIO(bytes(data)))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BundleError(N_("not a bundle: the file is not a zip archive, or it is damaged")) from None


def read_bundle(data) -> Bundle:
    """Validate and read a bundle (bytes, a path or a file-like object); BundleError says what is wrong."""
    zf = _open(data)
    with zf:
        infos = zf.infolist()
        check_names(infos)
        check_sizes(infos)
        try:
            raw = {info.filename: read_member(zf, info) for info in infos}
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:  # ValueError: a negative seek
            raise BundleError(N_("the bundle is damaged ({kind}: {why})", kind=type(e).__name__, why=str(e)[:120])) from None
    manifest = manifest_of(raw)
    try:
        project = project_from_outside(raw["project.json"], "project.json")  # bounded, no server paths
    except ProjectError as e:
        raise BundleError(str(e)) from None
    bundle = Bundle(checked(project), manifest=manifest)
    if "weights.pt" in raw:
        bundle.state_dict = weights_of(raw["weights.pt"], bundle.source)
    try:
        if "metrics.csv" in raw:
            bundle.epochs = curves_from_csv(raw["metrics.csv"], "metrics.csv", "epoch")
        if "steps.csv" in raw:
            bundle.steps = curves_from_csv(raw["steps.csv"], "steps.csv", "step")
    except CurveError as e:
        raise BundleError(str(e)) from None
    if "probes.json" in raw:
        bundle.probes = probes_of(raw["probes.json"])
    if "model.py" in raw:
        try:
            bundle.script = raw["model.py"].decode("utf-8")
        except UnicodeDecodeError:
            raise BundleError(N_("model.py: not UTF-8 text")) from None
    return bundle
