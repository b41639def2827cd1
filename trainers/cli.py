"""`python -m trainers run FILE [--epochs N] [--device ...]`: train without the UI, end with one JSON line."""
import argparse
import json
import os
import sys
from pathlib import Path

from i18n import LANGUAGES, _, language_from_env, set_language

from .datasets.bounds import allow_local_paths
from .device import DEVICES
from .errors import TrainingError
from .run import fit


def _progress_line(snap: dict) -> str:
    p = snap["progress"]
    parts = [f"epoch {p['epoch']}/{p['epochs']}", f"step {p['step']}/{p['total_steps']}"]
    if p["loss"] is not None:
        parts.append(f"loss {p['loss']:.4f}")
    epochs = snap["epochs"]
    for key in ("val_loss", "val_accuracy", "val_mae"):
        values = epochs.get(key) or []
        if values and values[-1] is not None:
            parts.append(f"{key} {values[-1]:.4f}")
    parts.append(f"{p['samples_per_s']:,.0f} samples/s")
    if p["eta_s"] is not None:
        parts.append(f"eta {p['eta_s']:.0f}s")
    return "  ".join(parts)


def _images(args) -> dict:
    """--images ZIP: the pictures travel in dataset_options like an upload does (the project's size/color kept)."""
    from builder import load_project

    from .datasets.images import encode_zip
    from .datasets.picture_zip import MAX_ZIP_BYTES
    path = Path(args.images)
    if not path.is_file():
        raise TrainingError(_("{file}: no such zip file").format(file=path))
    if path.stat().st_size > MAX_ZIP_BYTES:
        raise TrainingError(_("{file}: larger than the {mb:.1f} MB limit for a picture zip").format(
            file=path, mb=MAX_ZIP_BYTES / 1e6))
    training = load_project(args.file).training
    options = training.get("dataset_options") if training.get("dataset") == "images" else None
    options = {k: v for k, v in (options or {}).items() if k != "zip"} if isinstance(options, dict) else {}
    return {"dataset": "images", "dataset_options": {**options, "zip": encode_zip(path.read_bytes())}}


def cmd_run(args) -> int:
    allow_local_paths()  # a person at the server's command line may name local data files; a browser never
    overrides = {}
    if args.epochs is not None:
        overrides["epochs"] = args.epochs
    if args.device is not None:
        overrides["device"] = args.device
    try:
        if args.images is not None:
            overrides.update(_images(args))
        history = fit(args.file, progress=lambda snap: print(_progress_line(snap), flush=True), **overrides)
    except (TrainingError, ValueError, OSError) as exc:  # builder.ProjectError is a ValueError
        text = str(exc)
        print(f"error: {text}" if text.startswith(args.file) else f"error: {args.file}: {text}", file=sys.stderr)
        return 2
    if history["status"] == "failed":
        print(f"error: {args.file}: training failed: {history['error']}", file=sys.stderr)
        return 1
    if history["message"]:
        print(history["message"], flush=True)
    print(json.dumps(history["final"]), flush=True)
    return 0 if history["status"] == "finished" else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m trainers", description="Train a NeuroCanvas project without the UI.")
    p.add_argument("--lang", choices=LANGUAGES, help="language of the messages (default: from LANG)")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="train a project file and print the final metrics as JSON")
    run.add_argument("file", help="a neurocanvas/1 project (.json)")
    run.add_argument("--epochs", type=int, help="override training.epochs")
    run.add_argument("--device", choices=DEVICES, help="override training.device")
    run.add_argument("--images", metavar="ZIP", help=_("train on your pictures: a zip with one folder per class"))
    run.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="language of the messages")
    run.set_defaults(func=cmd_run)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    set_language(args.lang or language_from_env(os.environ))
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback on the command line
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
