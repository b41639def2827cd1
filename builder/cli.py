"""The `python -m builder` command line: check a project file (export is handed to `python -m export`)."""
from __future__ import annotations

import argparse
import os
import runpy
import sys

from i18n import LANGUAGES, _, language_from_env, set_language

from .checked_project import checked
from .project import ProjectError, load_project
from .shapes import shown


def _table(project, report) -> str:
    rows = [("node", "type", "output shape", "params")]
    types = {n.id: n.type for n in project.graph.nodes}
    for nid in report.order:
        shape = str(shown(report.shapes[nid])) if nid in report.shapes else "?"
        rows.append((nid, types[nid], shape, f"{report.param_counts.get(nid, 0):,}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cmd_check(args) -> int:
    try:
        project = load_project(args.file)
    except ProjectError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    report = checked(project).report
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if not report.ok:
        for p in report.errors:
            print(f"error: {p}", file=sys.stderr)
        print(_("{file}: {count} problem(s)").format(file=args.file, count=len(report.errors)), file=sys.stderr)
        return 1
    print(_table(project, report))
    mem = report.memory
    print("\n" + _("total trainable parameters: {count:,}").format(count=report.total_params))
    print(_("memory: {weights:.2f} MiB of weights, {activations:.1f} KiB of activations per sample").format(
        weights=mem["params_bytes"] / 2**20, activations=mem["activation_bytes_per_sample"] / 1024))
    return 0


def hand_over_export(argv: list[str]) -> int:
    """`python -m builder export ...` runs `python -m export ...`: export sits above builder, which never imports it."""
    saved = sys.argv
    sys.argv = ["python -m builder export", *argv]
    try:
        runpy.run_module("export", run_name="__main__", alter_sys=True)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = saved
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m builder", description="Check, export and import NeuroCanvas projects.")
    ap.add_argument("--lang", choices=LANGUAGES, help="language of the messages (default: from LANG)")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="print each node's output shape and the parameter count")
    p.add_argument("file")
    p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="language of the messages")
    p.set_defaults(func=cmd_check)
    sub.add_parser("export", add_help=False, help="the same as python -m export: a PyTorch script, weights or ONNX")
    from .importers.cli import add_parser  # `import`: a PyTorch class or an ONNX file -> a project
    add_parser(sub)
    return ap


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["export"]:
        return hand_over_export(argv[1:])
    args = parser().parse_args(argv)
    set_language(args.lang or language_from_env(os.environ))
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug of ours must still read as one line, not a traceback
        print(f"error: internal problem while running {args.command}: {type(e).__name__}: {e}", file=sys.stderr)
        return 3
