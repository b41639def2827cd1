"""The layer catalogue: a literal dict keyed by the saved type name (torch.nn's class name where one exists)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from torch import nn

from . import layers, shapes
from .calls import ENCODER, FIRST, PLAIN, SELF_ATTENTION, Call, constructor_source
from . import layer_params as P
from .params import MAX_SIZE, ParamSpec

# Palette order; the canvas shows categories in this order.
CATEGORIES = ["input", "dense", "convolution", "pooling", "normalisation", "recurrent", "attention",
              "merge", "reshape", "activation"]


@dataclass(frozen=True)
class LayerSpec:
    category: str
    help: str
    infer: Callable  # (input specs, params, type name) -> output spec; raises ShapeError
    cls: type | None = None  # the module class (None for Input)
    params: dict = field(default_factory=dict)  # name -> ParamSpec
    inputs: int | str = 1  # 0 (Input), 1, or "many" (Add, Concat)
    inferred: Callable = lambda ins: {}  # constructor arguments that follow from the input shape
    fixed: dict = field(default_factory=dict)  # constructor arguments we always set (batch_first)
    call: Call = PLAIN  # how the module is called and which part of its result is the output
    key_params: tuple = ()  # the 1-3 parameters a node face shows
    hidden_defaults: dict | None = None  # constructor defaults torch's signature hides (RNN classes take *args)
    forward_params: tuple = ()  # params that are the forward's arguments (is_causal), not the constructor's

    def call_of(self, params: dict) -> Call:
        """How a node with these params is called (a causal attention node passes its mask)."""
        return self.call.of(params)

    def source(self, kwargs: dict) -> str:
        """The constructor as exported code writes it; our own classes are copied into the script, unprefixed."""
        prefix = "" if self.cls.__module__ == layers.__name__ else "nn."
        return constructor_source(self.cls, kwargs, self.hidden_defaults, prefix)


def _first_feature(ins):
    return ins[0][0][-1]


def _channels(ins):
    return ins[0][0][0]


def _activation(name, help, params=None, key=()):
    return LayerSpec("activation", help, shapes.identity, getattr(nn, name), params=params or {}, key_params=key)


LAYERS: dict[str, LayerSpec] = {
    "Input": LayerSpec(
        "input", "where the data enters; shape excludes the batch axis", shapes.identity, inputs=0,
        params={"shape": ParamSpec("shape", "shape of one sample, e.g. [64] or [1, 8, 8]", initial=[64]),
                "dtype": ParamSpec("choice", "float values, or long token ids for an Embedding",
                                   default="float", choices=("float", "long"))},
        key_params=("shape",)),
    "Linear": LayerSpec(
        "dense", "fully connected: y = xWᵀ + b on the last axis", shapes.linear, nn.Linear,
        params={"out_features": P.size("number of output units", initial=64), "bias": P.bias()},
        inferred=lambda ins: {"in_features": _first_feature(ins)}, key_params=("out_features",)),
    "Conv1d": LayerSpec(
        "convolution", "1-D convolution over [C, L] (series, signals)", shapes.conv, nn.Conv1d,
        params=P.conv(), inferred=lambda ins: {"in_channels": _channels(ins)},
        key_params=("out_channels", "kernel_size")),
    "Conv2d": LayerSpec(
        "convolution", "2-D convolution over [C, H, W] images", shapes.conv, nn.Conv2d,
        params=P.conv(), inferred=lambda ins: {"in_channels": _channels(ins)},
        key_params=("out_channels", "kernel_size")),
    "ConvTranspose2d": LayerSpec(
        "convolution", "transposed 2-D convolution: upsamples [C, H, W] (decoders, generators)",
        shapes.conv_transpose, nn.ConvTranspose2d, params=P.conv(transposed=True),
        inferred=lambda ins: {"in_channels": _channels(ins)}, key_params=("out_channels", "kernel_size", "stride")),
    "MaxPool1d": LayerSpec("pooling", "max over windows of [C, L]", shapes.pool, nn.MaxPool1d,
                           params=P.pool(), key_params=("kernel_size",)),
    "MaxPool2d": LayerSpec("pooling", "max over windows of [C, H, W]", shapes.pool, nn.MaxPool2d,
                           params=P.pool(), key_params=("kernel_size",)),
    "AvgPool2d": LayerSpec("pooling", "mean over windows of [C, H, W]", shapes.pool, nn.AvgPool2d,
                           params=P.pool(), key_params=("kernel_size",)),
    "AdaptiveAvgPool2d": LayerSpec(
        "pooling", "mean-pool [C, H, W] to a fixed output size", shapes.adaptive_pool, nn.AdaptiveAvgPool2d,
        params={"output_size": ParamSpec("ints", "output height and width", initial=1, min=1, max=4096)},
        key_params=("output_size",)),
    "BatchNorm1d": LayerSpec(
        "normalisation", "normalise each feature over the batch ([C] or [C, L])", shapes.batchnorm,
        nn.BatchNorm1d, inferred=lambda ins: {"num_features": _channels(ins)},
        params=P.batchnorm()),
    "BatchNorm2d": LayerSpec(
        "normalisation", "normalise each channel over the batch and space", shapes.batchnorm,
        nn.BatchNorm2d, inferred=lambda ins: {"num_features": _channels(ins)},
        params=P.batchnorm()),
    "LayerNorm": LayerSpec(
        "normalisation", "normalise each sample over its last axis", shapes.last_axis, nn.LayerNorm,
        inferred=lambda ins: {"normalized_shape": _first_feature(ins)},
        params={"eps": ParamSpec("float", "added to the variance", default=1e-5, min=0.0, max=1.0),
                "elementwise_affine": ParamSpec("bool", "learn a scale and shift", default=True)}),
    "Dropout": LayerSpec(
        "normalisation", "zero a random fraction p of values while training", shapes.identity,
        nn.Dropout, params={"p": P.probability()}, key_params=("p",)),
    "Dropout2d": LayerSpec(
        "normalisation", "zero whole channels of [C, H, W] at random while training", shapes.channels_dropout,
        nn.Dropout2d, params={"p": P.probability("probability of dropping a channel")}, key_params=("p",)),
    "Scale": LayerSpec(
        "normalisation", "multiply by a constant, e.g. embeddings × √d_model", shapes.identity, layers.Scale,
        params={"factor": ParamSpec("float", "the constant factor", initial=2.0, min=-1e6, max=1e6)},
        key_params=("factor",)),
    "Flatten": LayerSpec(
        "reshape", "flatten axes start_dim..end_dim (torch counts the batch as dim 0)", shapes.flatten,
        nn.Flatten, params={"start_dim": ParamSpec("int", "first axis to flatten", default=1, min=-8, max=8),
                            "end_dim": ParamSpec("int", "last axis to flatten", default=-1, min=-8, max=8)}),
    "Reshape": LayerSpec(
        "reshape", "view each sample with a new shape (one -1 allowed)", shapes.reshape, layers.Reshape,
        params={"shape": ParamSpec("shape", "new shape without the batch axis, e.g. [1, 8, 8]; [] for one number "
                                   "per sample", initial=[-1], empty=True)}, key_params=("shape",)),
    "Permute": LayerSpec(
        "reshape", "reorder the axes of each sample (the batch axis stays first)", shapes.permute, layers.Permute,
        params={"dims": ParamSpec("shape", "new order of the sample's axes, without the batch axis, e.g. [1, 0]",
                                  initial=[1, 0])}, key_params=("dims",)),
    "Embedding": LayerSpec(
        "dense", "look up a learned vector for each token id", shapes.embedding, nn.Embedding,
        params={"num_embeddings": P.size("vocabulary size (ids 0..n-1)", initial=16),
                "embedding_dim": P.size("vector size per token", initial=32),
                "padding_idx": ParamSpec("int", "id whose vector stays zero (optional)", default=None,
                                         min=0, max=MAX_SIZE, nullable=True)},
        key_params=("num_embeddings", "embedding_dim")),
    "RNN": LayerSpec(
        "recurrent", "Elman RNN over [T, F]; outputs every step [T, H·dirs]", shapes.recurrent, nn.RNN,
        params=P.recurrent(with_nonlinearity=True), inferred=lambda ins: {"input_size": _first_feature(ins)},
        fixed={"batch_first": True}, call=FIRST, key_params=("hidden_size", "num_layers"),
        hidden_defaults=P.RNN_DEFAULTS),
    "LSTM": LayerSpec(
        "recurrent", "long short-term memory over [T, F]; outputs every step", shapes.recurrent, nn.LSTM,
        params=P.recurrent(), inferred=lambda ins: {"input_size": _first_feature(ins)},
        fixed={"batch_first": True}, call=FIRST, key_params=("hidden_size", "num_layers"),
        hidden_defaults=P.RNN_DEFAULTS),
    "GRU": LayerSpec(
        "recurrent", "gated recurrent unit over [T, F]; outputs every step", shapes.recurrent, nn.GRU,
        params=P.recurrent(), inferred=lambda ins: {"input_size": _first_feature(ins)},
        fixed={"batch_first": True}, call=FIRST, key_params=("hidden_size", "num_layers"),
        hidden_defaults=P.RNN_DEFAULTS),
    "MultiheadAttention": LayerSpec(
        "attention", "self-attention over [T, E]: every step looks at every step", shapes.attention,
        nn.MultiheadAttention, inferred=lambda ins: {"embed_dim": _first_feature(ins)},
        params={"num_heads": ParamSpec("int", "parallel attention heads (must divide E)", initial=4,
                                       min=1, max=256),
                "dropout": ParamSpec("float", "dropout on attention weights", default=0.0, min=0.0, max=0.99),
                "bias": P.bias(), "is_causal": P.causal()},
        fixed={"batch_first": True}, call=SELF_ATTENTION, key_params=("num_heads",), forward_params=("is_causal",)),
    "TransformerEncoderLayer": LayerSpec(
        "attention", "self-attention + feed-forward block with residuals and LayerNorm", shapes.attention,
        nn.TransformerEncoderLayer, inferred=lambda ins: {"d_model": _first_feature(ins)},
        params={"nhead": ParamSpec("int", "attention heads (must divide d_model)", initial=4, min=1, max=256),
                "dim_feedforward": ParamSpec("int", "hidden size of the feed-forward part", default=2048,
                                             min=1, max=MAX_SIZE),
                "dropout": ParamSpec("float", "dropout inside the block", default=0.1, min=0.0, max=0.99),
                "activation": ParamSpec("choice", "feed-forward activation", default="relu",
                                        choices=("relu", "gelu")),
                "norm_first": ParamSpec("bool", "LayerNorm before (pre-LN) instead of after", default=False),
                "is_causal": P.causal()},
        fixed={"batch_first": True}, call=ENCODER, key_params=("nhead", "dim_feedforward"),
        forward_params=("is_causal",)),
    "PositionalEncoding": LayerSpec(
        "attention", "add position information to [T, D] (attention alone ignores order)", shapes.positional,
        layers.PositionalEncoding, inferred=lambda ins: {"d_model": _first_feature(ins)},
        params={"kind": ParamSpec("choice", "fixed sinusoids or a learned table", default="sinusoidal",
                                  choices=("sinusoidal", "learned")),
                "max_len": ParamSpec("int", "longest sequence supported", default=512, min=1, max=100_000)},
        key_params=("kind",)),
    "SequencePool": LayerSpec(
        "recurrent", "reduce [T, F] to [F]: last or first step, mean or max over time", shapes.sequence_pool,
        layers.SequencePool, params={"mode": ParamSpec("choice", "how to reduce the time axis (first: a [CLS] token)",
                                                       default="last", choices=("last", "mean", "max", "first"))},
        key_params=("mode",)),
    "Add": LayerSpec("merge", "element-wise sum of its inputs (residual / skip connection)", shapes.add,
                     layers.Add, inputs="many"),
    "Concat": LayerSpec(
        "merge", "join its inputs along an axis", shapes.concat, layers.Concat, inputs="many",
        params={"dim": ParamSpec("int", "axis to join along (without the batch axis)", default=-1,
                                 min=-8, max=8)}, key_params=("dim",)),
    "ReLU": _activation("ReLU", "max(0, x): the default choice for hidden layers"),
    "ReLU6": _activation("ReLU6", "min(max(0, x), 6): a ReLU capped at 6 (MobileNet)"),
    "LeakyReLU": _activation("LeakyReLU", "x for x > 0, slope·x otherwise: no dead units",
                             {"negative_slope": ParamSpec("float", "slope for x < 0", default=0.01,
                                                          min=0.0, max=1.0)}, ("negative_slope",)),
    "Sigmoid": _activation("Sigmoid", "1/(1+e⁻ˣ): squashes to (0, 1); saturates, so gradients vanish in deep stacks"),
    "Tanh": _activation("Tanh", "squashes to (-1, 1), zero-centred; saturates like Sigmoid"),
    "GELU": _activation("GELU", "smooth ReLU used in Transformers",
                        {"approximate": ParamSpec("choice", "exact or tanh approximation", default="none",
                                                  choices=("none", "tanh"))}),
    "SiLU": _activation("SiLU", "x·sigmoid(x) (Swish)"),
    "ELU": _activation("ELU", "x for x > 0, α(eˣ−1) otherwise",
                       {"alpha": ParamSpec("float", "value approached for very negative x", default=1.0,
                                           min=0.0, max=100.0)}),
    "Softmax": LayerSpec(
        "activation", "turn scores into probabilities along dim (leave it out before CrossEntropyLoss)",
        shapes.softmax, nn.Softmax,
        params={"dim": ParamSpec("int", "axis that sums to 1", default=-1, min=-8, max=8)}),
    "LogSoftmax": LayerSpec(
        "activation", "log-probabilities along dim: pairs with NLLLoss (CrossEntropyLoss applies it itself)",
        shapes.softmax, nn.LogSoftmax, params={"dim": ParamSpec("int", "axis whose probabilities sum to 1",
                                                                default=-1, min=-8, max=8)}),
}

def palette() -> dict:
    """The catalogue as plain JSON for palettes and inspectors."""
    return {name: {"category": s.category, "help": s.help, "inputs": s.inputs,
                   "key_params": list(s.key_params),
                   "params": {k: p.to_dict() for k, p in s.params.items()}}
            for name, s in LAYERS.items()}


def constructor_kwargs(spec: LayerSpec, ins, params: dict) -> dict:
    """Every argument the module class is built with: inferred sizes, then the node's params, then fixed ones."""
    own = {k: v for k, v in params.items() if k not in spec.forward_params}  # is_causal goes to the call
    return {**spec.inferred(ins), **own, **spec.fixed}
