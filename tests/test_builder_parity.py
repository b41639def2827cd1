"""Parity with PyTorch as the oracle: each compiled graph against a hand-written nn.Module with the same weights.

Every hand-written model names its submodules after the graph's node ids and records the output shape of
every node (`self.t(node_id, x)`), so one generic test compares outputs, gradients, parameter counts per
node and in total, and check()'s inferred shapes with the shapes the hand-written forward really produced.
Weights are copied module by module (hand -> compiled), asserting that each parameter's shape matches.
"""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from builder import build_model, check
from graph_factory import make_project

torch.set_num_threads(1)
B = 3  # batch size for every forward


class Hand(nn.Module):
    """Base for the hand-written oracles: `t(node_id, x)` records a node's output shape (batch axis dropped)."""

    def __init__(self):
        super().__init__()
        self.seen: dict[str, tuple] = {}

    def t(self, nid, x):
        self.seen[nid] = tuple(x.shape[1:])
        return x


def sinusoid(t, d):
    """Vaswani et al.'s table written out independently of builder/layers.py: (T, D)."""
    pe = torch.zeros(t, d)
    for pos in range(t):
        for i in range(0, d, 2):
            angle = pos / (10000 ** (i / d))
            pe[pos, i] = math.sin(angle)
            pe[pos, i + 1] = math.cos(angle)
    return pe


def node_module(hand, nid):
    """The hand-written submodule named after a node id, or None (attributes such as `t` don't count)."""
    return hand._modules.get(nid)


def n_params(module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


# ---------------------------------------------------------------- the cases: (project, hand model, input)

def mlp():
    p = make_project([("in", "Input", {"shape": [20]}), ("fc1", "Linear", {"out_features": 32}), ("r1", "ReLU"),
                      ("fc2", "Linear", {"out_features": 16, "bias": False}), ("t", "Tanh"),
                      ("out", "Linear", {"out_features": 5})])

    class MLP(Hand):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2, self.out = nn.Linear(20, 32), nn.Linear(32, 16, bias=False), nn.Linear(16, 5)

        def forward(self, x):
            x = self.t("in", x)
            x = self.t("r1", torch.relu(self.t("fc1", self.fc1(x))))
            x = self.t("t", torch.tanh(self.t("fc2", self.fc2(x))))
            return self.t("out", self.out(x))

    return p, MLP(), torch.randn(B, 20)


def activations():
    acts = [("lrelu", "LeakyReLU", {"negative_slope": 0.2}), ("elu", "ELU", {"alpha": 0.5}), ("silu", "SiLU"),
            ("gelu", "GELU", {"approximate": "tanh"}), ("sig", "Sigmoid"), ("fc", "Linear", {"out_features": 4}),
            ("sm", "Softmax", {"dim": -1})]
    p = make_project([("in", "Input", {"shape": [6]}), ("lin", "Linear", {"out_features": 6})] + acts)

    class Acts(Hand):
        def __init__(self):
            super().__init__()
            self.lin, self.fc = nn.Linear(6, 6), nn.Linear(6, 4)

        def forward(self, x):
            x = self.t("lin", self.lin(self.t("in", x)))
            x = self.t("lrelu", nn.functional.leaky_relu(x, 0.2))
            x = self.t("elu", nn.functional.elu(x, 0.5))
            x = self.t("silu", x * torch.sigmoid(x))
            x = self.t("gelu", nn.functional.gelu(x, approximate="tanh"))
            x = self.t("sig", torch.sigmoid(x))
            return self.t("sm", torch.softmax(self.t("fc", self.fc(x)), dim=-1))

    return p, Acts(), torch.randn(B, 6) * 3


def lenet():
    p = make_project([
        ("in", "Input", {"shape": [1, 28, 28]}),
        ("conv1", "Conv2d", {"out_channels": 6, "kernel_size": 5, "padding": 2}), ("r1", "ReLU"),
        ("pool1", "MaxPool2d", {"kernel_size": 2}),
        ("conv2", "Conv2d", {"out_channels": 16, "kernel_size": 5}), ("r2", "ReLU"),
        ("pool2", "MaxPool2d", {"kernel_size": 2, "stride": 2}), ("flat", "Flatten"),
        ("fc1", "Linear", {"out_features": 120}), ("r3", "ReLU"),
        ("fc2", "Linear", {"out_features": 84}), ("r4", "ReLU"), ("fc3", "Linear", {"out_features": 10})])

    class LeNet(Hand):
        def __init__(self):
            super().__init__()
            self.conv1, self.conv2 = nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

        def forward(self, x):
            x = self.t("in", x)
            x = self.t("r1", torch.relu(self.t("conv1", self.conv1(x))))
            x = self.t("pool1", nn.functional.max_pool2d(x, 2))
            x = self.t("r2", torch.relu(self.t("conv2", self.conv2(x))))
            x = self.t("pool2", nn.functional.max_pool2d(x, 2, 2))
            x = self.t("flat", x.reshape(x.shape[0], -1))
            x = self.t("r3", torch.relu(self.t("fc1", self.fc1(x))))
            x = self.t("r4", torch.relu(self.t("fc2", self.fc2(x))))
            return self.t("fc3", self.fc3(x))

    return p, LeNet(), torch.randn(B, 1, 28, 28)


def small_cnn():
    """[1, 8, 8] digits-sized CNN with non-square kernel, stride, dilation, AvgPool2d and AdaptiveAvgPool2d."""
    p = make_project([
        ("in", "Input", {"shape": [1, 8, 8]}),
        ("c1", "Conv2d", {"out_channels": 4, "kernel_size": [3, 2], "stride": [1, 2], "padding": [1, 0]}),
        ("e", "ELU"), ("c2", "Conv2d", {"out_channels": 5, "kernel_size": 2, "dilation": 2, "bias": False}),
        ("avg", "AvgPool2d", {"kernel_size": 2, "stride": 1, "padding": 1}),
        ("gap", "AdaptiveAvgPool2d", {"output_size": [2, 1]}), ("flat", "Flatten"),
        ("fc", "Linear", {"out_features": 3})])

    class SmallCNN(Hand):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(1, 4, (3, 2), stride=(1, 2), padding=(1, 0))
            self.c2 = nn.Conv2d(4, 5, 2, dilation=2, bias=False)
            self.fc = nn.Linear(10, 3)

        def forward(self, x):
            x = self.t("e", nn.functional.elu(self.t("c1", self.c1(self.t("in", x)))))  # (B, 4, 8, 4)
            x = self.t("c2", self.c2(x))  # (B, 5, 6, 2)
            x = self.t("avg", nn.functional.avg_pool2d(x, 2, 1, 1))  # (B, 5, 7, 3)
            x = self.t("gap", nn.functional.adaptive_avg_pool2d(x, (2, 1)))
            return self.t("fc", self.fc(self.t("flat", x.flatten(1))))

    return p, SmallCNN(), torch.randn(B, 1, 8, 8)


def residual_mlp():
    p = make_project(
        [("in", "Input", {"shape": [16]}), ("fc1", "Linear", {"out_features": 16}), ("r1", "ReLU"),
         ("fc2", "Linear", {"out_features": 16}), ("add", "Add"), ("r2", "ReLU"), ("head", "Linear", {"out_features": 4})],
        [("in", "fc1"), ("fc1", "r1"), ("r1", "fc2"), ("fc2", "add"), ("in", "add"), ("add", "r2"), ("r2", "head")])

    class Residual(Hand):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2, self.head = nn.Linear(16, 16), nn.Linear(16, 16), nn.Linear(16, 4)

        def forward(self, x):
            skip = self.t("in", x)
            x = self.t("fc2", self.fc2(self.t("r1", torch.relu(self.t("fc1", self.fc1(x))))))
            x = self.t("r2", torch.relu(self.t("add", x + skip)))
            return self.t("head", self.head(x))

    return p, Residual(), torch.randn(B, 16)


def residual_conv():
    p = make_project(
        [("in", "Input", {"shape": [3, 8, 8]}), ("conv1", "Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1}),
         ("bn1", "BatchNorm2d"), ("r1", "ReLU"), ("conv2", "Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1}),
         ("proj", "Conv2d", {"out_channels": 8, "kernel_size": 1}), ("add", "Add"), ("r2", "ReLU"),
         ("gap", "AdaptiveAvgPool2d", {"output_size": 1}), ("flat", "Flatten"), ("head", "Linear", {"out_features": 3})],
        [("in", "conv1"), ("conv1", "bn1"), ("bn1", "r1"), ("r1", "conv2"), ("in", "proj"), ("conv2", "add"),
         ("proj", "add"), ("add", "r2"), ("r2", "gap"), ("gap", "flat"), ("flat", "head")])

    class ResBlock(Hand):
        def __init__(self):
            super().__init__()
            self.conv1, self.bn1 = nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8)
            self.conv2, self.proj = nn.Conv2d(8, 8, 3, padding=1), nn.Conv2d(3, 8, 1)
            self.head = nn.Linear(8, 3)

        def forward(self, x):
            x = self.t("in", x)
            y = self.t("r1", torch.relu(self.t("bn1", self.bn1(self.t("conv1", self.conv1(x))))))
            y = self.t("conv2", self.conv2(y))
            x = self.t("r2", torch.relu(self.t("add", y + self.t("proj", self.proj(x)))))
            x = self.t("flat", self.t("gap", x.mean(dim=(2, 3), keepdim=True)).flatten(1))
            return self.t("head", self.head(x))

    return p, ResBlock(), torch.randn(B, 3, 8, 8)


def concat_branches():
    # Edges list branch a first, but target_port puts b first: port order must win.
    p = make_project(
        [("in", "Input", {"shape": [12]}), ("a", "Linear", {"out_features": 8}), ("ra", "ReLU"),
         ("b", "Linear", {"out_features": 5}), ("sb", "Sigmoid"), ("cat", "Concat"), ("out", "Linear", {"out_features": 3})],
        [("in", "a"), ("a", "ra"), ("in", "b"), ("b", "sb"), ("ra", "cat", 1), ("sb", "cat", 0), ("cat", "out")])

    class Branches(Hand):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.out = nn.Linear(12, 8), nn.Linear(12, 5), nn.Linear(13, 3)

        def forward(self, x):
            x = self.t("in", x)
            a = self.t("ra", torch.relu(self.t("a", self.a(x))))
            b = self.t("sb", torch.sigmoid(self.t("b", self.b(x))))
            return self.t("out", self.out(self.t("cat", torch.cat([b, a], dim=1))))

    return p, Branches(), torch.randn(B, 12)


def concat_channels():
    p = make_project(
        [("in", "Input", {"shape": [2, 6, 6]}), ("ca", "Conv2d", {"out_channels": 3, "kernel_size": 3, "padding": 1}),
         ("cb", "Conv2d", {"out_channels": 4, "kernel_size": 1}), ("cat", "Concat", {"dim": 0}),
         ("pool", "MaxPool2d", {"kernel_size": 3}), ("flat", "Flatten"), ("out", "Linear", {"out_features": 2})],
        [("in", "ca"), ("in", "cb"), ("ca", "cat"), ("cb", "cat"), ("cat", "pool"), ("pool", "flat"), ("flat", "out")])

    class ChannelCat(Hand):
        def __init__(self):
            super().__init__()
            self.ca, self.cb, self.out = nn.Conv2d(2, 3, 3, padding=1), nn.Conv2d(2, 4, 1), nn.Linear(28, 2)

        def forward(self, x):
            x = self.t("in", x)
            x = self.t("cat", torch.cat([self.t("ca", self.ca(x)), self.t("cb", self.cb(x))], dim=1))
            x = self.t("flat", self.t("pool", nn.functional.max_pool2d(x, 3)).flatten(1))
            return self.t("out", self.out(x))

    return p, ChannelCat(), torch.randn(B, 2, 6, 6)


def lstm_classifier():
    p = make_project([("in", "Input", {"shape": [7, 5]}), ("lstm", "LSTM", {"hidden_size": 12}),
                      ("pool", "SequencePool", {"mode": "last"}), ("head", "Linear", {"out_features": 3})])

    class LSTMClassifier(Hand):
        def __init__(self):
            super().__init__()
            self.lstm, self.head = nn.LSTM(5, 12, batch_first=True), nn.Linear(12, 3)

        def forward(self, x):
            seq, (h, _) = self.lstm(self.t("in", x))
            self.t("lstm", seq)
            return self.t("head", self.head(self.t("pool", h[-1])))  # last step == final hidden state

    return p, LSTMClassifier(), torch.randn(B, 7, 5)


def bigru_classifier():
    p = make_project([("in", "Input", {"shape": [6, 4]}),
                      ("gru", "GRU", {"hidden_size": 8, "num_layers": 2, "bidirectional": True, "dropout": 0.0}),
                      ("pool", "SequencePool", {"mode": "mean"}), ("head", "Linear", {"out_features": 3})])

    class BiGRU(Hand):
        def __init__(self):
            super().__init__()
            self.gru = nn.GRU(4, 8, num_layers=2, bidirectional=True, batch_first=True)
            self.head = nn.Linear(16, 3)

        def forward(self, x):
            seq = self.t("gru", self.gru(self.t("in", x))[0])  # (B, T, 2H)
            return self.t("head", self.head(self.t("pool", seq.mean(dim=1))))

    return p, BiGRU(), torch.randn(B, 6, 4)


def rnn_reshape():
    """Reshape with -1 turns a flat vector into a sequence for a ReLU Elman RNN pooled by max."""
    p = make_project([("in", "Input", {"shape": [24]}), ("seq", "Reshape", {"shape": [-1, 4]}),
                      ("rnn", "RNN", {"hidden_size": 5, "nonlinearity": "relu"}),
                      ("pool", "SequencePool", {"mode": "max"}), ("head", "Linear", {"out_features": 2})])

    class RNNReshape(Hand):
        def __init__(self):
            super().__init__()
            self.rnn, self.head = nn.RNN(4, 5, nonlinearity="relu", batch_first=True), nn.Linear(5, 2)

        def forward(self, x):
            x = self.t("seq", self.t("in", x).view(x.shape[0], 6, 4))
            x = self.t("rnn", self.rnn(x)[0])
            return self.t("head", self.head(self.t("pool", x.max(dim=1).values)))

    return p, RNNReshape(), torch.randn(B, 24)


def token_transformer(kind="sinusoidal"):
    p = make_project([
        ("tokens", "Input", {"shape": [10], "dtype": "long"}),
        ("emb", "Embedding", {"num_embeddings": 20, "embedding_dim": 16}),
        ("pe", "PositionalEncoding", {"kind": kind, "max_len": 32}),
        ("enc", "TransformerEncoderLayer", {"nhead": 4, "dim_feedforward": 32, "dropout": 0.0}),
        ("pool", "SequencePool", {"mode": "mean"}), ("head", "Linear", {"out_features": 3})])

    class TokenTransformer(Hand):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(20, 16)
            if kind == "learned":
                self.pe = nn.Module()
                self.pe.table = nn.Parameter(torch.randn(32, 16))
            self.enc = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, batch_first=True)
            self.head = nn.Linear(16, 3)

        def forward(self, x):
            x = self.t("emb", self.emb(self.t("tokens", x)))  # (B, T, D)
            table = self.pe.table if kind == "learned" else sinusoid(32, 16)
            x = self.t("pe", x + table[: x.shape[1]])
            x = self.t("enc", self.enc(x))
            return self.t("head", self.head(self.t("pool", x.mean(dim=1))))

    return p, TokenTransformer(), torch.randint(0, 20, (B, 10))


def self_attention():
    p = make_project(
        [("in", "Input", {"shape": [5, 8]}), ("attn", "MultiheadAttention", {"num_heads": 2}), ("add", "Add"),
         ("ln", "LayerNorm"), ("pool", "SequencePool", {"mode": "max"}), ("head", "Linear", {"out_features": 2})],
        [("in", "attn"), ("attn", "add"), ("in", "add"), ("add", "ln"), ("ln", "pool"), ("pool", "head")])

    class SelfAttention(Hand):
        def __init__(self):
            super().__init__()
            self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
            self.ln, self.head = nn.LayerNorm(8), nn.Linear(8, 2)

        def forward(self, x):
            x = self.t("in", x)
            a = self.t("attn", self.attn(x, x, x, need_weights=False)[0])
            x = self.t("ln", self.ln(self.t("add", a + x)))
            return self.t("head", self.head(self.t("pool", x.amax(dim=1))))

    return p, SelfAttention(), torch.randn(B, 5, 8)


def conv1d_series():
    p = make_project([("in", "Input", {"shape": [2, 32]}),
                      ("c1", "Conv1d", {"out_channels": 4, "kernel_size": 5, "stride": 2, "padding": 1}),
                      ("r", "ReLU"), ("pool", "MaxPool1d", {"kernel_size": 2}),
                      ("c2", "Conv1d", {"out_channels": 8, "kernel_size": 3, "dilation": 2}),
                      ("bn", "BatchNorm1d"), ("flat", "Flatten"), ("out", "Linear", {"out_features": 1})])

    class Series(Hand):
        def __init__(self):
            super().__init__()
            self.c1, self.c2 = nn.Conv1d(2, 4, 5, stride=2, padding=1), nn.Conv1d(4, 8, 3, dilation=2)
            self.bn, self.out = nn.BatchNorm1d(8), nn.Linear(24, 1)

        def forward(self, x):
            x = self.t("r", torch.relu(self.t("c1", self.c1(self.t("in", x)))))  # (B, 4, 15)
            x = self.t("c2", self.c2(self.t("pool", nn.functional.max_pool1d(x, 2))))  # (B, 8, 3)
            x = self.t("flat", self.t("bn", self.bn(x)).flatten(1))
            return self.t("out", self.out(x))

    return p, Series(), torch.randn(B, 2, 32)


def batchnorm_dropout():
    p = make_project([("in", "Input", {"shape": [10]}), ("fc1", "Linear", {"out_features": 16}),
                      ("bn", "BatchNorm1d", {"momentum": 0.2}), ("r", "ReLU"), ("drop", "Dropout", {"p": 0.3}),
                      ("fc2", "Linear", {"out_features": 4})])

    class BNDrop(Hand):
        def __init__(self):
            super().__init__()
            self.fc1, self.bn = nn.Linear(10, 16), nn.BatchNorm1d(16, momentum=0.2)
            self.drop, self.fc2 = nn.Dropout(0.3), nn.Linear(16, 4)

        def forward(self, x):
            x = self.t("r", torch.relu(self.t("bn", self.bn(self.t("fc1", self.fc1(self.t("in", x)))))))
            return self.t("fc2", self.fc2(self.t("drop", self.drop(x))))

    return p, BNDrop(), torch.randn(B, 10)


def bn2d_dropout():
    p = make_project([("in", "Input", {"shape": [3, 8, 8]}), ("conv", "Conv2d", {"out_channels": 4, "kernel_size": 3}),
                      ("bn", "BatchNorm2d", {"eps": 1e-3}), ("g", "GELU"), ("pool", "AvgPool2d", {"kernel_size": 2}),
                      ("drop", "Dropout", {"p": 0.25}), ("flat", "Flatten"), ("out", "Linear", {"out_features": 5})])

    class BN2d(Hand):
        def __init__(self):
            super().__init__()
            self.conv, self.bn = nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4, eps=1e-3)
            self.drop, self.out = nn.Dropout(0.25), nn.Linear(36, 5)

        def forward(self, x):
            x = self.t("g", nn.functional.gelu(self.t("bn", self.bn(self.t("conv", self.conv(self.t("in", x)))))))
            x = self.t("drop", self.drop(self.t("pool", nn.functional.avg_pool2d(x, 2))))
            return self.t("out", self.out(self.t("flat", x.flatten(1))))

    return p, BN2d(), torch.randn(B, 3, 8, 8)


def autoencoder():
    p = make_project([("in", "Input", {"shape": [1, 8, 8]}), ("flat", "Flatten"),
                      ("enc1", "Linear", {"out_features": 32}), ("r1", "ReLU"), ("code", "Linear", {"out_features": 8}),
                      ("r2", "ReLU"), ("dec1", "Linear", {"out_features": 32}), ("r3", "ReLU"),
                      ("dec2", "Linear", {"out_features": 64}), ("sig", "Sigmoid"),
                      ("img", "Reshape", {"shape": [1, 8, 8]})])

    class AutoEncoder(Hand):
        def __init__(self):
            super().__init__()
            self.enc1, self.code = nn.Linear(64, 32), nn.Linear(32, 8)
            self.dec1, self.dec2 = nn.Linear(8, 32), nn.Linear(32, 64)

        def forward(self, x):
            x = self.t("flat", self.t("in", x).flatten(1))
            x = self.t("r1", torch.relu(self.t("enc1", self.enc1(x))))
            x = self.t("r2", torch.relu(self.t("code", self.code(x))))
            x = self.t("r3", torch.relu(self.t("dec1", self.dec1(x))))
            x = self.t("sig", torch.sigmoid(self.t("dec2", self.dec2(x))))
            return self.t("img", x.view(-1, 1, 8, 8))

    return p, AutoEncoder(), torch.rand(B, 1, 8, 8)


def reshape_to_image():
    p = make_project([("in", "Input", {"shape": [64]}), ("img", "Reshape", {"shape": [1, 8, 8]}),
                      ("conv", "Conv2d", {"out_channels": 4, "kernel_size": 3}), ("r", "ReLU"),
                      ("flat", "Flatten"), ("out", "Linear", {"out_features": 10})])

    class ReshapeNet(Hand):
        def __init__(self):
            super().__init__()
            self.conv, self.out = nn.Conv2d(1, 4, 3), nn.Linear(144, 10)

        def forward(self, x):
            x = self.t("img", self.t("in", x).view(-1, 1, 8, 8))
            x = self.t("r", torch.relu(self.t("conv", self.conv(x))))
            return self.t("out", self.out(self.t("flat", x.flatten(1))))

    return p, ReshapeNet(), torch.randn(B, 64)


def generator():
    """Issue 20's layers: ConvTranspose2d upsampling, a depthwise (grouped) Conv2d, ReLU6, Dropout2d,
    MaxPool2d with ceil_mode, a Scale, a Permute and a LogSoftmax over the channels."""
    p = make_project([("in", "Input", {"shape": [6, 3, 3]}),
                      ("up", "ConvTranspose2d", {"out_channels": 4, "kernel_size": 4, "stride": 2, "padding": 1,
                                                 "output_padding": 1, "bias": False}),
                      ("r6", "ReLU6"), ("dw", "Conv2d", {"out_channels": 8, "kernel_size": 3, "groups": 4,
                                                         "padding": 1}),
                      ("drop", "Dropout2d", {"p": 0.3}), ("pool", "MaxPool2d", {"kernel_size": 3, "stride": 2,
                                                                                "ceil_mode": True}),
                      ("scaled", "Scale", {"factor": 0.5}), ("hwc", "Permute", {"dims": [1, 2, 0]}),
                      ("lsm", "LogSoftmax", {"dim": -1})])

    class Generator(Hand):
        def __init__(self):
            super().__init__()
            self.up = nn.ConvTranspose2d(6, 4, 4, stride=2, padding=1, output_padding=1, bias=False)
            self.dw, self.drop = nn.Conv2d(4, 8, 3, padding=1, groups=4), nn.Dropout2d(0.3)

        def forward(self, x):
            x = self.t("r6", nn.functional.relu6(self.t("up", self.up(self.t("in", x)))))
            x = self.t("drop", self.drop(self.t("dw", self.dw(x))))
            x = self.t("scaled", self.t("pool", nn.functional.max_pool2d(x, 3, 2, ceil_mode=True)) * 0.5)
            return self.t("lsm", torch.log_softmax(self.t("hwc", x.permute(0, 2, 3, 1)), dim=-1))

    return p, Generator(), torch.randn(B, 6, 3, 3)


def depthwise_series():
    p = make_project([("in", "Input", {"shape": [4, 20]}),
                      ("dw", "Conv1d", {"out_channels": 8, "kernel_size": 5, "groups": 4}),
                      ("pool", "MaxPool1d", {"kernel_size": 3, "ceil_mode": True}),
                      ("avg", "Permute", {"dims": [1, 0]}), ("out", "Linear", {"out_features": 2})])

    class Depthwise(Hand):
        def __init__(self):
            super().__init__()
            self.dw, self.out = nn.Conv1d(4, 8, 5, groups=4), nn.Linear(8, 2)

        def forward(self, x):
            x = self.t("dw", self.dw(self.t("in", x)))
            x = self.t("pool", nn.functional.max_pool1d(x, 3, ceil_mode=True))
            return self.t("out", self.out(self.t("avg", x.transpose(1, 2))))

    return p, Depthwise(), torch.randn(B, 4, 20)


CASES = {f.__name__: f for f in (mlp, activations, lenet, small_cnn, residual_mlp, residual_conv, concat_branches,
                                 concat_channels, lstm_classifier, bigru_classifier, rnn_reshape, token_transformer,
                                 self_attention, conv1d_series, batchnorm_dropout, bn2d_dropout, autoencoder,
                                 reshape_to_image, generator, depthwise_series)}
CASES["token_transformer_learned_pe"] = lambda: token_transformer("learned")


# ---------------------------------------------------------------- the generic comparison

def _state(module):
    """Parameters and persistent buffers in registration order (what a module's weights are)."""
    persistent = set(module.state_dict())
    return [(n, p) for n, p in module.named_parameters()] + \
           [(n, b) for n, b in module.named_buffers() if n in persistent]


def copy_weights(hand: nn.Module, model) -> int:
    """Copy each hand-written node module's weights into the compiled node's module; returns values copied."""
    copied = 0
    for nid, attr in model.node_modules.items():
        dst = _state(model.get_submodule(attr))
        if not dst:
            continue
        assert node_module(hand, nid) is not None, f"compiled node {nid} has weights, the hand-written model has none"
        src = _state(node_module(hand, nid))
        assert [tuple(t.shape) for _, t in src] == [tuple(t.shape) for _, t in dst], nid
        with torch.no_grad():
            for (_, s), (_, d) in zip(src, dst):
                d.copy_(s)
                copied += s.numel()
    return copied


def _randomise_running_stats(hand):
    for m in hand.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)


def _compiled_and_hand(name):
    torch.manual_seed(0)
    project, hand, x = CASES[name]()
    _randomise_running_stats(hand)
    report = check(project)
    assert report.ok, report.errors
    model = build_model(project)
    copy_weights(hand, model)
    return project, report, model, hand, x


@pytest.mark.parametrize("name", list(CASES))
def test_compiled_graph_matches_hand_written_module(name):
    project, report, model, hand, x = _compiled_and_hand(name)
    model.eval(), hand.eval()

    # parameter counts: check() == hand-written == compiled, per node and in total
    assert report.total_params == n_params(hand) == n_params(model)
    for nid, attr in model.node_modules.items():
        expected = n_params(node_module(hand, nid)) if node_module(hand, nid) is not None else 0
        assert report.param_counts[nid] == expected == n_params(model.get_submodule(attr)), nid

    # outputs (and the hand model records every node's real shape on the way)
    out, ref = model(x), hand(x)
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-6)
    assert tuple(out.shape) == (B,) + report.shapes[report.output_node]

    # inferred shapes == the shapes the hand-written forward produced, for every node
    assert report.shapes == hand.seen
    assert set(report.order) == set(hand.seen)

    # gradients agree too: the compiled model is trainable the same way
    out.square().mean().backward()
    ref.square().mean().backward()
    for nid, attr in model.node_modules.items():
        if node_module(hand, nid) is not None:
            pairs = zip(model.get_submodule(attr).named_parameters(), node_module(hand, nid).named_parameters())
            for (n, a), (_, b) in pairs:
                torch.testing.assert_close(a.grad, b.grad, rtol=1e-4, atol=1e-6, msg=f"{nid}.{n}")


@pytest.mark.parametrize("name", ["batchnorm_dropout", "bn2d_dropout", "residual_conv"])
def test_train_mode_matches_with_the_same_seed(name):
    """Batch statistics, dropout masks (same RNG order) and running-stat updates agree in train mode."""
    project, report, model, hand, x = _compiled_and_hand(name)
    model.train(), hand.train()
    torch.manual_seed(1)
    out = model(x)
    torch.manual_seed(1)
    ref = hand(x)
    torch.testing.assert_close(out, ref)
    for nid, attr in model.node_modules.items():
        sub = model.get_submodule(attr)
        if isinstance(sub, nn.modules.batchnorm._BatchNorm):
            torch.testing.assert_close(sub.running_mean, node_module(hand, nid).running_mean)
            torch.testing.assert_close(sub.running_var, node_module(hand, nid).running_var)


def test_seed_mlp_preset_trains_like_the_hand_written_net(seed_mlp):
    """Three SGD steps on the primer's SimpleNet: weights stay identical to the hand-written twin."""
    torch.manual_seed(0)
    hand = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    model = build_model(seed_mlp)
    assert check(seed_mlp).total_params == n_params(hand) == 64 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
    with torch.no_grad():
        for nid, idx in (("fc1", 0), ("fc2", 2), ("out", 4)):
            sub = model.get_submodule(model.node_modules[nid])
            sub.weight.copy_(hand[idx].weight)
            sub.bias.copy_(hand[idx].bias)
    opt_a = torch.optim.SGD(model.parameters(), lr=0.1)
    opt_b = torch.optim.SGD(hand.parameters(), lr=0.1)
    x, y = torch.randn(16, 64), torch.randint(0, 10, (16,))
    for _ in range(3):
        for net, opt in ((model, opt_a), (hand, opt_b)):
            opt.zero_grad()
            nn.functional.cross_entropy(net(x), y).backward()
            opt.step()
    torch.testing.assert_close(model(x), hand(x))


def test_compiled_model_code_is_readable_and_names_nodes():
    project, *_ = residual_mlp()
    model = build_model(project)
    code = model.code
    for nid in ("fc1", "fc2", "add", "head"):
        assert f"self.{nid}(" in code
    assert model.node_modules == {n: n for n in ("fc1", "r1", "fc2", "add", "r2", "head")}


def test_odd_node_ids_become_valid_attribute_names():
    """Ids that GraphModule already uses (`code`, `graph`, `meta`) or Python keeps (`in`) are renamed; ids that
    are no identifier or that every nn.Module needs (`forward`, `training`) are refused by check (tests/hostile)."""
    ids = ["code", "graph", "meta", "code_", "recompile", "lambda"]
    nodes = [("in", "Input", {"shape": [4]})] + [(nid, "Linear", {"out_features": 4}) for nid in ids]
    model = build_model(make_project(nodes))
    names = model.node_modules
    assert set(names) == set(ids)
    assert len(set(names.values())) == len(ids) and all(n.isidentifier() for n in names.values())
    assert "def forward" in model.code and isinstance(model.node_modules, dict) and model.training
    assert tuple(model(torch.randn(B, 4)).shape) == (B, 4)
    seen = []
    model.get_submodule(names["code"]).register_forward_hook(lambda m, i, o: seen.append(tuple(o.shape)))
    model(torch.randn(B, 4))
    assert seen == [(B, 4)]
