"""`python -m builder export FILE --format pytorch|onnx|weights -o OUT`: one readable line per problem."""
from __future__ import annotations

import sys
from pathlib import Path

import torch

from .check import check
from .compile import GraphError, build_model
from .export_code import class_name, export_script, file_stem
from .export_onnx import OnnxExportError, export_onnx
from .export_weights import WeightsError, load_weights, save_weights
from .project import ProjectError, load_project

SUFFIX = {"pytorch": ".py", "onnx": ".onnx", "weights": ".pt"}


def _model(project, weights):
    """The project's model with the given weights, or freshly initialised with the project's seed."""
    seed = project.training.get("seed", 0)
    torch.manual_seed(seed if isinstance(seed, int) and not isinstance(seed, bool) else 0)
    model = build_model(project)
    return load_weights(model, weights) if weights else model


def run_export(args) -> int:
    try:
        project = load_project(args.file)
        report = check(project)
        if not report.ok:
            raise GraphError(report)
        out = Path(args.output or (file_stem(class_name(project.name)) + SUFFIX[args.format]))
        if args.format == "pytorch":
            if args.weights:
                print("note: --weights is not used by --format pytorch (the script loads a .pt with "
                      "--weights at run time)", file=sys.stderr)
            out.write_text(export_script(project, training=args.training), encoding="utf-8")
        elif args.format == "weights":
            save_weights(_model(project, args.weights), out)
        else:
            export_onnx(project, _model(project, args.weights), out, exporter=args.exporter)
    except GraphError as e:
        for p in e.report.errors:
            print(f"error: {p}", file=sys.stderr)
        print(f"{args.file}: {len(e.report.errors)} problem(s)", file=sys.stderr)
        return 1
    except (ProjectError, WeightsError, OnnxExportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except ValueError as e:  # a training setting the script cannot express
        hint = " (or export with --no-training)" if args.format == "pytorch" else ""
        print(f"error: {args.file}: {e}{hint}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: {out}: cannot write ({e.strerror})", file=sys.stderr)
        return 2
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    return 0
