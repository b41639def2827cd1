"""The import zoo (tests/zoo/*.py: models as tutorials and example repositories write them), each through `.py`
(torch.fx) and both ONNX exporters, and the parity every import must keep. Used by tests/test_import_zoo.py and
benchmarks/import_zoo.py, so the table and the tests check the same things.

Parity: the same trainable parameter count as the original, outputs within 1e-5 after loading the imported
weights, and the project's exported script (export.script) re-imports through torch.fx to the same graph.
"""
from __future__ import annotations

import ast
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

import builder
from builder.importers import ImportProblem, import_module, load_class
from import_models import canonical, same_graph

ZOO = Path(__file__).resolve().parent / "zoo"
PATHS = ("py", "onnx-torchscript", "onnx-dynamo")
TOLERANCE = 1e-5
BATCH = 3  # the import traces with other batch sizes; parity is checked with this one


@dataclass(frozen=True)
class Entry:
    """One zoo model: its file, the model class (the last class the file defines) and its declared input."""

    name: str  # the file's stem
    file: Path
    cls: str
    shape: tuple  # one sample, without the batch axis
    dtype: str  # "float" or "long" (token ids)
    batch_first: bool  # False: the model takes (T, B, ...), the batch on axis 1


def _entry(path: Path) -> Entry:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    consts = {t.id: ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
              for t in n.targets if isinstance(t, ast.Name) and t.id.isupper()
              and t.id in ("INPUT_SHAPE", "INPUT_DTYPE", "BATCH_FIRST")}
    cls = [n.name for n in tree.body if isinstance(n, ast.ClassDef)][-1]
    return Entry(path.stem, path, cls, tuple(consts["INPUT_SHAPE"]), consts.get("INPUT_DTYPE", "float"),
                 consts.get("BATCH_FIRST", True))


def entries() -> list[Entry]:
    return [_entry(p) for p in sorted(ZOO.glob("*.py"))]


def entry(name: str) -> Entry:
    return _entry(ZOO / f"{name}.py")


def make_model(e: Entry) -> nn.Module:
    """The class built as its file builds it (seeded), with trained-looking BatchNorm statistics, in eval mode."""
    torch.manual_seed(0)
    model = load_class(e.file, e.cls)()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    return model.eval()


def sample(e: Entry, batch: int = BATCH) -> torch.Tensor:
    """A batch-first batch, as the imported project takes it."""
    torch.manual_seed(1)
    if e.dtype == "long":
        return torch.randint(0, 8, (batch, *e.shape))
    return torch.randn(batch, *e.shape)


def model_input(e: Entry, x: torch.Tensor) -> torch.Tensor:
    return x if e.batch_first else x.transpose(0, 1).contiguous()


class Refused(Exception):
    """A cell of the table that is not "ok": an import refusal, a failed export, or a parity that does not hold."""


def _quiet():
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")


def export_onnx_file(e: Entry, model: nn.Module, exporter: str, folder: Path) -> Path:
    """`torch.onnx.export` as a person calls it, batch axis dynamic; dynamo writes model.onnx + model.onnx.data."""
    path = folder / f"{e.name}.onnx"
    x = model_input(e, sample(e, 2))
    axis = 0 if e.batch_first else 1
    with warnings.catch_warnings():
        _quiet()
        try:
            if exporter == "dynamo":
                torch.onnx.export(model, (x,), str(path), dynamo=True, input_names=["input"],
                                  output_names=["output"], dynamic_shapes=({axis: torch.export.Dim("batch")},),
                                  verbose=False)
            else:
                torch.onnx.export(model, (x,), str(path), dynamo=False, input_names=["input"],
                                  output_names=["output"], dynamic_axes={"input": {axis: "batch"}})
        except Exception as err:  # the exporter's own refusal: a cell of the table, not an import result
            first = str(err).strip().splitlines()[0][:160] if str(err).strip() else type(err).__name__
            raise Refused(f"torch.onnx.export fails ({first})") from None
    return path


def import_path(e: Entry, model: nn.Module, path: str, folder: Path) -> tuple[dict, dict]:
    """(project dict, state_dict) through one path; Refused with the importer's sentence."""
    try:
        if path == "py":
            return import_module(model, e.shape, e.dtype, e.cls)
        from builder.importers.onnx_import import import_onnx_file
        return import_onnx_file(export_onnx_file(e, model, path.split("-", 1)[1], folder))
    except ImportProblem as err:
        raise Refused(str(err)) from None


def _outputs(data: dict, state: dict, x: torch.Tensor) -> torch.Tensor:
    model = builder.build_model(builder.load_project(data)).eval()
    model.load_state_dict(state)
    with torch.no_grad():
        return model(x)


def _reimport(e: Entry, data: dict, state: dict, folder: Path) -> tuple[dict, dict]:
    from export.script import class_name, export_script
    project = builder.load_project(data)
    script = folder / f"{e.name}_exported.py"
    script.write_text(export_script(builder.checked(project)), encoding="utf-8")
    module = load_class(script, class_name(project.name))()
    module.load_state_dict(state)  # the script's attribute names are build_model's
    shape = builder.check(project).shapes[builder.check(project).input_node]
    dtype = "long" if e.dtype == "long" else "float"
    return import_module(module, shape, dtype, project.name)


def check_parity(e: Entry, model: nn.Module, data: dict, state: dict, folder: Path) -> None:
    """Raises Refused naming the first parity that does not hold."""
    report = builder.check(builder.load_project(data))
    want = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if report.total_params != want:
        raise Refused(f"parameter count {report.total_params:,} instead of {want:,}")
    x = sample(e)
    with torch.no_grad():
        expected = model(model_input(e, x))
    got = _outputs(data, state, x)
    if got.shape != expected.shape:
        raise Refused(f"output shape {tuple(got.shape)} instead of {tuple(expected.shape)}")
    err = (got - expected).abs().max().item() if got.numel() else 0.0
    if not err <= TOLERANCE * max(1.0, expected.abs().max().item()):
        raise Refused(f"outputs differ by {err:.2e}")
    try:
        again, again_state = _reimport(e, data, state, folder)
    except ImportProblem as err:
        raise Refused(f"the exported script does not re-import: {err}") from None
    if not same_graph(canonical(data), canonical(again)):
        raise Refused("the exported script re-imports to another graph")
    if (_outputs(again, again_state, x) - got).abs().max().item() > TOLERANCE * max(1.0, got.abs().max().item()):
        raise Refused("the exported script's re-import gives other outputs")


def run_cell(e: Entry, path: str, folder: Path) -> str:
    """'ok', or the sentence that says why not (the importer's own refusal, or the parity that failed)."""
    model = make_model(e)
    try:
        try:
            with torch.no_grad():
                model(model_input(e, sample(e, 2)))
        except TypeError as err:  # forward(input, hidden): the model cannot run on one tensor
            if path != "py":
                raise Refused(f"not exported: {e.cls}.forward cannot be called with one tensor ({err})") from None
        data, state = import_path(e, model, path, folder)
        check_parity(e, model, data, state, folder)
    except Refused as err:
        return str(err)
    return "ok"


def onnx_available() -> bool:
    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError:
        return False
    return True


def table_rows(names=None, paths=PATHS, folder: Path | None = None):
    """(model name, {path: cell}) for each zoo model, in file order."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(folder or tmp)
        for e in entries():
            if names and e.name not in names:
                continue
            cells = {}
            for path in paths:
                sub = base / f"{e.name}-{path}"
                sub.mkdir(parents=True, exist_ok=True)
                cells[path] = run_cell(e, path, sub)
            yield e.name, cells

