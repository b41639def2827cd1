"""The import zoo as a table: every model of tests/zoo/ (written as tutorials and example repositories write them)
through `.py` (torch.fx), TorchScript ONNX (`torch.onnx.export(..., dynamo=False)`) and dynamo ONNX (`dynamo=True`,
weights in a `.onnx.data` file beside the model), each cell "ok" or the sentence that says why not.

"ok" is parity: the same parameter count, outputs within 1e-5 after loading the imported weights, and the
project's exported script re-imports to the same graph (tests/zoo_parity.py holds these checks; the tests use them).

    python benchmarks/import_zoo.py [--paths py,onnx-torchscript,onnx-dynamo] [--models cifar_net,lenet]
"""
import argparse
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from zoo_parity import PATHS, table_rows  # noqa: E402

WIDTH = 58  # characters per cell line


def _cell_lines(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH) or [""]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", default=",".join(PATHS), help="comma-separated: " + ", ".join(PATHS))
    ap.add_argument("--models", default="", help="comma-separated zoo file stems (default: all)")
    args = ap.parse_args(argv)
    paths = [p for p in args.paths.split(",") if p]
    unknown = sorted(set(paths) - set(PATHS))
    if unknown:
        ap.error(f"unknown path(s): {', '.join(unknown)}")
    names = {m for m in args.models.split(",") if m}
    ok = total = 0
    per_path = {p: 0 for p in paths}
    head = f"{'model':<22}" + "".join(f" | {p:<{WIDTH}}" for p in paths)
    print(head)
    print("-" * len(head))
    start = time.perf_counter()
    for name, cells in table_rows(names or None, paths):
        wrapped = {p: _cell_lines(cells[p]) for p in paths}
        for i in range(max(len(v) for v in wrapped.values())):
            label = name if i == 0 else ""
            print(f"{label:<22}" + "".join(f" | {(wrapped[p][i] if i < len(wrapped[p]) else ''):<{WIDTH}}"
                                            for p in paths), flush=True)
        for p in paths:
            total += 1
            if cells[p] == "ok":
                ok += 1
                per_path[p] += 1
    models = total // max(1, len(paths))
    print("-" * len(head))
    print("  ".join(f"{p}: {per_path[p]} of {models}" for p in paths) + f"  ({time.perf_counter() - start:.0f} s)")
    print(f"{ok} of {total} import with parity")
    return 0


if __name__ == "__main__":
    sys.exit(main())
