"""Bring a model onto the canvas: a PyTorch nn.Module (traced with torch.fx) or an ONNX file, as a project."""
from .errors import ImportProblem
from .fx_import import import_module, load_class
from .onnx_import import import_onnx

__all__ = ["ImportProblem", "import_module", "load_class", "import_onnx"]
