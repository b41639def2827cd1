"""Take a model home: PyTorch script, weights, ONNX, run bundles and share links, all from a builder.Checked."""
from .bundle import Bundle, BundleError, build_bundle, read_bundle
from .links import LinkError, decode_project, encode_project, project_from_query, share_url
from .onnx import OnnxExportError, export_onnx
from .script import class_name, export_script, file_stem
from .weights import WeightsError, load_weights, read_state_dict, save_weights, weights_bytes

__all__ = ["Bundle", "BundleError", "build_bundle", "read_bundle", "LinkError", "decode_project", "encode_project",
           "project_from_query", "share_url", "OnnxExportError", "export_onnx", "class_name", "export_script",
           "file_stem", "WeightsError", "load_weights", "read_state_dict", "save_weights", "weights_bytes"]
