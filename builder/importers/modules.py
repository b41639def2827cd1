"""One torch module instance -> (catalogue type, params), read back from the instance's attributes."""
from __future__ import annotations

from torch import nn

from i18n import _

from .. import layers
from ..catalogue import LAYERS
from .errors import ImportProblem

OURS = tuple(name for name, spec in LAYERS.items()  # builder/layers.py's classes, copied into exported scripts
             if spec.cls is not None and spec.cls.__module__ == layers.__name__)
_BY_CLASS = {spec.cls: name for name, spec in LAYERS.items() if spec.cls is not None}

# Arguments the catalogue does not offer: an instance must hold torch's default for each, or it is refused.
_MUST_BE = {
    "Conv1d": {"padding_mode": "zeros"}, "Conv2d": {"padding_mode": "zeros"},
    "ConvTranspose2d": {"padding_mode": "zeros"},
    "MaxPool1d": {"return_indices": False}, "MaxPool2d": {"return_indices": False},
    "AvgPool2d": {"count_include_pad": True, "divisor_override": None},
    "BatchNorm1d": {"affine": True, "track_running_stats": True},
    "BatchNorm2d": {"affine": True, "track_running_stats": True},
    "Embedding": {"max_norm": None, "scale_grad_by_freq": False, "sparse": False},
    "LSTM": {"proj_size": 0},  # batch_first either way: the importer follows the batch axis (fx_modules)
    "MultiheadAttention": {"_qkv_same_embed_dim": True, "add_zero_attn": False},
}


def _same_code(cls: type, ours: type) -> bool:
    """A copy of our class (exported scripts copy builder/layers.py), not a user's class of the same name."""
    return all(getattr(getattr(cls, f, None), "__code__", None) is not None
               and getattr(cls, f).__code__.co_code == getattr(ours, f).__code__.co_code
               for f in ("__init__", "forward"))


def catalogue_type(module: nn.Module) -> str | None:
    """The catalogue name of a module's class; our own layers match by name and code (exported scripts copy them)."""
    name = _BY_CLASS.get(type(module))
    ours = type(module).__name__
    if name is None and ours in OURS and _same_code(type(module), LAYERS[ours].cls):
        name = ours
    return name


def _ints(v):
    """(3, 3) -> 3, (3, 5) -> [3, 5]: the catalogue's "ints" form."""
    if isinstance(v, (tuple, list)):
        v = [int(x) for x in v]
        return v[0] if len(set(v)) == 1 else v
    return v


def _special(kind: str, m: nn.Module) -> dict:
    """Params that an instance does not keep under the constructor's name."""
    if kind == "Linear":
        return {"bias": m.bias is not None}
    if kind == "MultiheadAttention":
        return {"num_heads": m.num_heads, "dropout": m.dropout, "bias": m.in_proj_bias is not None}
    if kind == "TransformerEncoderLayer":
        act = "relu" if getattr(m, "activation_relu_or_gelu", 1) == 1 else "gelu"
        return {"nhead": m.self_attn.num_heads, "dim_feedforward": m.linear1.out_features,
                "dropout": m.dropout.p, "activation": act, "norm_first": m.norm_first}
    if kind == "PositionalEncoding":
        return {"kind": m.kind, "max_len": int(m.pe.shape[0])}
    if kind in ("Conv1d", "Conv2d", "ConvTranspose2d"):
        if isinstance(m.padding, str):
            raise ValueError(f"padding={m.padding!r}")
        return {"bias": m.bias is not None}
    return {}


def _check_fixed(kind: str, m: nn.Module) -> None:
    for attr, want in _MUST_BE.get(kind, {}).items():
        if getattr(m, attr, want) != want:
            raise ValueError(f"{attr}={getattr(m, attr)!r}")
    if kind == "MultiheadAttention" and m.bias_k is not None:
        raise ValueError("add_bias_kv=True")
    if kind == "TransformerEncoderLayer":
        _check_fixed("MultiheadAttention", m.self_attn)
    if kind in ("Softmax", "LogSoftmax") and m.dim is None:
        raise ValueError("dim=None")


def module_params(kind: str, m: nn.Module) -> dict:
    """The node params of a module instance: only those that differ from the catalogue default."""
    spec = LAYERS[kind]
    _check_fixed(kind, m)
    values = _special(kind, m)
    for name, ps in spec.params.items():
        if name not in values and name not in spec.forward_params:  # is_causal: how it is called (fx_masks)
            value = getattr(m, name)
            values[name] = list(value) if ps.kind == "shape" else _ints(value)
    if kind.startswith(("MaxPool", "AvgPool")) and values.get("stride") == values["kernel_size"]:
        values["stride"] = None  # torch stores stride=kernel_size when none was given
    out = {}
    for name, value in values.items():
        ps = spec.params[name]
        if isinstance(value, float) and ps.kind == "int":
            value = int(value)
        if ps.required or value != ps.default or type(value) is not type(ps.default):
            out[name] = value
    return out


def map_module(path: str, m: nn.Module) -> tuple[str, dict]:
    """(type, params) for the submodule at `path`; ImportProblem naming it when the catalogue lacks it."""
    kind = catalogue_type(m)
    cls = f"{type(m).__module__}.{type(m).__qualname__}"
    if kind is None:
        raise ImportProblem(_("module '{path}' ({cls}) has no layer in the catalogue").format(path=path, cls=cls),
                            path)
    try:
        return kind, module_params(kind, m)
    except (ValueError, AttributeError, TypeError) as e:
        raise ImportProblem(_("module '{path}' ({cls}) uses {setting}, which the catalogue's {kind} does not "
                              "offer").format(path=path, cls=cls, setting=e, kind=kind), path) from None
