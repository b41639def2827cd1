"""`python -m export FILE --format pytorch|onnx|weights -o OUT`: parsed and checked once; one line per problem."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import torch

from builder.checked_project import Checked, checked
from builder.compile import GraphError, build_model
from builder.project import ProjectError, load_project
from i18n import _, language_from_env, ngettext, set_language
from trainers.settings import TrainingSettings

from .onnx import OnnxExportError, export_onnx
from .script import class_name, export_script, file_stem
from .weights import WeightsError, load_weights, save_weights

SUFFIX = {"pytorch": ".py", "onnx": ".onnx", "weights": ".pt"}


def _model(source: Checked, weights):
    """The project's model with the given weights, or freshly initialised with the project's seed."""
    seed = source.project.training.get("seed", TrainingSettings.seed)
    torch.manual_seed(seed if isinstance(seed, int) and not isinstance(seed, bool) else 0)
    model = build_model(source)
    return load_weights(model, weights) if weights else model


def _write(args, source: Checked, out: Path) -> None:
    if args.format == "pytorch":
        if args.weights:
            print(_("note: --weights is not used by --format pytorch (the script loads a .pt with "
                    "--weights at run time)"), file=sys.stderr)
        out.write_text(export_script(source, training=args.training), encoding="utf-8")
    elif args.format == "weights":
        save_weights(_model(source, args.weights), out)
    else:
        export_onnx(source, _model(source, args.weights), out, exporter=args.exporter)


def run_export(args) -> int:
    out = None
    try:
        source = checked(load_project(args.file))  # the one parse and the one check of this command
        if not source.ok:
            raise GraphError(source.report)
        out = Path(args.output or (file_stem(class_name(source.project.name)) + SUFFIX[args.format]))
        _write(args, source, out)
    except GraphError as e:
        for p in e.report.errors:
            print(_("error: {problem}").format(problem=p), file=sys.stderr)
        print(ngettext("{file}: {n} problem", "{file}: {n} problems", len(e.report.errors)).format(
            file=args.file, n=len(e.report.errors)), file=sys.stderr)
        return 1
    except (ProjectError, WeightsError, OnnxExportError) as e:
        print(_("error: {problem}").format(problem=e), file=sys.stderr)
        return 2
    except ValueError as e:  # a training setting the script cannot express
        hint = _(" (or export with --no-training)") if args.format == "pytorch" else ""
        print(_("error: {file}: {problem}").format(file=args.file, problem=e) + hint, file=sys.stderr)
        return 2
    except OSError as e:
        print(_("error: {file}: cannot write ({why})").format(file=out, why=e.strerror), file=sys.stderr)
        return 2
    print(_("wrote {file} ({size:,} bytes)").format(file=out, size=out.stat().st_size))
    return 0


def parser(prog: str = "python -m export") -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description=_("Export a NeuroCanvas project as a PyTorch script, "
                                                          "a weights file or ONNX."))
    ap.add_argument("file")
    ap.add_argument("--format", choices=tuple(SUFFIX), default="pytorch")
    ap.add_argument("-o", "--output", help=_("output file (default: named after the project)"))
    ap.add_argument("--weights", help=_("trained weights (.pt state_dict) to put in the onnx/weights export"))
    ap.add_argument("--no-training", dest="training", action="store_false",
                    help=_("pytorch: only the model class, without the data set and training loop"))
    ap.add_argument("--exporter", choices=("torchscript", "dynamo"), default="torchscript",
                    help=_("onnx: torch.onnx's tracer (fast) or the torch.export-based exporter"))
    return ap


def main(argv=None, prog: str = "python -m export") -> int:
    set_language(language_from_env(os.environ))  # the command speaks the shell's language, like builder's
    args = parser(prog).parse_args(argv)
    try:
        return run_export(args)
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug of ours must still read as one line, not a traceback
        print(_("error: internal problem while exporting: {kind}: {problem}").format(kind=type(e).__name__, problem=e),
              file=sys.stderr)
        return 3
