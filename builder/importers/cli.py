"""`python -m builder import FILE.py:Class --input-shape C,H,W -o project.json` (or model.onnx): one line per problem."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

from i18n import LANGUAGES, _

from .assemble import save_weights
from .errors import ImportProblem

MAX_WEIGHTS_BYTES = 1 << 30


def add_parser(sub) -> None:
    p = sub.add_parser("import", help=_("make a project from a PyTorch class (FILE.py:ClassName) or an ONNX file"))
    p.add_argument("file", help=_("FILE.py:ClassName or model.onnx (its model.onnx.data is read from beside it)"))
    p.add_argument("--input-shape", help=_("shape of one sample without the batch axis, e.g. 1,8,8 (.py only)"))
    p.add_argument("--input-dtype", choices=("float", "long"), default="float",
                   help=_("long for token ids feeding an Embedding (.py only)"))
    p.add_argument("--weights", help=_("a state_dict (.pt) of the class, read with weights_only=True (.py only)"))
    p.add_argument("-o", "--output", help=_("project file to write (default: named after the input)"))
    p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=_("language of the messages"))
    p.set_defaults(func=run_import)


def _read_weights(path: str) -> dict:
    p = Path(path)
    if not p.is_file() or p.stat().st_size > MAX_WEIGHTS_BYTES:
        raise ImportProblem(_("{file}: not a readable weights file (missing, or over 1 GiB)").format(file=path))
    try:
        state = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as e:  # a pickle with code, or not a torch file
        raise ImportProblem(_("{file}: not a plain state_dict ({why})").format(
            file=path, why=str(e).splitlines()[0][:200] if str(e) else type(e).__name__)) from None
    if not isinstance(state, dict):
        raise ImportProblem(_("{file}: expected a state_dict (name -> tensor)").format(file=path))
    return state


def _from_python(args) -> tuple[dict, dict | None]:
    from .fx_import import import_module, load_class, parse_shape
    file, _sep, name = args.file.rpartition(":")
    cls = load_class(file, name)
    try:
        module = cls()
    except Exception as e:  # the class's own constructor
        raise ImportProblem(_("{name}() failed: {why}").format(name=name, why=str(e)[:200])) from None
    if args.weights:
        try:
            module.load_state_dict(_read_weights(args.weights))
        except RuntimeError as e:
            raise ImportProblem(_("{file}: does not fit {name}: {why}").format(
                file=args.weights, name=name, why=str(e).splitlines()[1 if "\n" in str(e) else 0][:200])) from None
    data, state = import_module(module, parse_shape(args.input_shape), args.input_dtype, name)
    return data, state if args.weights else None


def run_import(args) -> int:
    try:
        notes: list = []
        if args.file.endswith(".onnx"):
            from .onnx_import import import_onnx_file
            data, state = import_onnx_file(args.file, notes)  # and the data file beside it, if it has one
            stem = Path(args.file).stem
        elif ":" in args.file and args.file.rpartition(":")[0].endswith(".py"):
            data, state = _from_python(args)
            stem = args.file.rpartition(":")[2]
        else:
            raise ImportProblem(_("{file}: give FILE.py:ClassName or a .onnx file").format(file=args.file))
        out = Path(args.output or f"{stem}.json")
        out.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        print(_("wrote {file} ({n} nodes)").format(file=out, n=len(data["graph"]["nodes"])))
        for note in notes:
            print(_("warning: {problem}").format(problem=note), file=sys.stderr)
        if state is not None:
            save_weights(state, out.with_suffix(".pt"))
            print(_("wrote {file} (weights)").format(file=out.with_suffix(".pt")))
    except ImportProblem as e:
        print(_("error: {problem}").format(problem=e), file=sys.stderr)
        return 2
    except OSError as e:
        print(_("error: {file}: {why}").format(file=e.filename or args.output, why=e.strerror), file=sys.stderr)
        return 2
    return 0
