"""The parameter sets several catalogue layers share (convolutions, pools, recurrent layers), in one place each."""
from __future__ import annotations

from .params import MAX_SIZE, ParamSpec


def size(help, initial=64, default=None):
    kw = {"default": default} if default is not None else {"initial": initial}
    return ParamSpec("int", help, min=1, max=MAX_SIZE, **kw)


def bias():
    return ParamSpec("bool", "learn an additive bias", default=True)


def kernel(default=None, initial=3):
    kw = {"default": default} if default is not None else {"initial": initial}
    return ParamSpec("ints", "window size (one int, or one per spatial axis)", min=1, max=1024, **kw)


def groups():
    return ParamSpec("int", "channel groups that do not mix (depthwise: groups = input channels)", default=1,
                     min=1, max=MAX_SIZE)


def conv(transposed=False):
    p = {
        "out_channels": size("number of filters (output channels)", initial=8),
        "kernel_size": kernel(),
        "stride": ParamSpec("ints", "step between windows" if not transposed else "upsampling factor",
                            default=1, min=1, max=1024),
        "padding": ParamSpec("ints", "zeros added on each side" if not transposed else
                             "rows and columns cropped from each side of the output", default=0, min=0, max=1024),
    }
    if transposed:
        p["output_padding"] = ParamSpec("ints", "extra rows and columns on one side (less than the stride)",
                                        default=0, min=0, max=1024)
    p |= {"dilation": ParamSpec("ints", "spacing between kernel taps", default=1, min=1, max=1024),
          "groups": groups(), "bias": bias()}
    return p


def pool():
    return {
        "kernel_size": kernel(initial=2),
        "stride": ParamSpec("ints", "step between windows (empty = kernel_size)", default=None, min=1,
                            max=1024, nullable=True),
        "padding": ParamSpec("ints", "padding on each side", default=0, min=0, max=512),
        "ceil_mode": ParamSpec("bool", "round the output size up: a last, partial window is kept", default=False),
    }


def recurrent(with_nonlinearity=False):
    p = {
        "hidden_size": size("size of the hidden state", initial=32),
        "num_layers": ParamSpec("int", "stacked recurrent layers", default=1, min=1, max=16),
        "bidirectional": ParamSpec("bool", "also read the sequence backwards (doubles the output)",
                                   default=False),
        "dropout": ParamSpec("float", "dropout between stacked layers", default=0.0, min=0.0, max=0.99),
        "bias": bias(),
    }
    if with_nonlinearity:
        p["nonlinearity"] = ParamSpec("choice", "activation inside the cell", default="tanh",
                                      choices=("tanh", "relu"))
    return p


RNN_DEFAULTS = {"num_layers": 1, "nonlinearity": "tanh", "bias": True, "batch_first": False, "dropout": 0.0,
                "bidirectional": False, "proj_size": 0}


def batchnorm():
    return {"eps": ParamSpec("float", "added to the variance", default=1e-5, min=0.0, max=1.0),
            "momentum": ParamSpec("float", "running-statistics update rate", default=0.1, min=0.0, max=1.0)}


def dim(help):
    return ParamSpec("int", help, default=-1, min=-8, max=8)


def probability(help="probability of dropping a value"):
    return ParamSpec("float", help, default=0.5, min=0.0, max=1.0)


def causal():
    return ParamSpec("bool", "each step attends only to itself and earlier steps (a language model predicting the "
                     "next token); torch's forward argument is_causal, passed with the causal mask", default=False)
