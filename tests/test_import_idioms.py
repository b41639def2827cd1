"""The torch.fx idioms of published models, one small module each: the catalogue layers they become, and the same
outputs and parameter count once the imported weights are loaded (PyTorch is the oracle)."""
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import builder
from builder.importers import import_module
from import_models import outputs


def imported(model, shape, dtype="float", seq_first=False):
    """Import `model`; check parity on a batch of 3; return the node types in order."""
    torch.manual_seed(0)
    model = model.eval()
    data, state = import_module(model, shape, dtype)
    x = torch.randint(0, 5, (3, *shape)) if dtype == "long" else torch.randn(3, *shape)
    with torch.no_grad():
        want = model(x.transpose(0, 1) if seq_first else x)
    torch.testing.assert_close(outputs(data, state, x), want, atol=1e-5, rtol=1e-5)
    report = builder.check(builder.load_project(data))
    assert report.total_params == sum(p.numel() for p in model.parameters() if p.requires_grad)
    return [n["type"] for n in data["graph"]["nodes"]], data


class Functional(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 3 * 3, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = F.avg_pool2d(torch.sigmoid(x), kernel_size=2, stride=1, ceil_mode=True)
        x = F.gelu(torch.tanh(x))
        x = F.dropout(x.view(x.size(0), -1), p=0.3, training=self.training)
        return F.log_softmax(self.fc(x), dim=1)


class OwnParameters(nn.Module):
    """F.linear and F.conv2d on parameters the module holds itself."""

    def __init__(self):
        super().__init__()
        self.kernel = nn.Parameter(torch.randn(6, 2, 3, 3) * 0.1)
        self.kbias = nn.Parameter(torch.zeros(6))
        self.weight = nn.Parameter(torch.randn(3, 6 * 6 * 6) * 0.05)

    def forward(self, x):
        x = F.conv2d(x, self.kernel, self.kbias, stride=1, padding=1)
        x = F.adaptive_avg_pool2d(x, (6, 6))
        return F.softmax(F.linear(torch.flatten(x, 1), self.weight), dim=-1)


class Plumbing(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(5, 8, 3)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):  # (B, 12, 5): a sequence
        x = self.conv(x.transpose(1, 2))  # (B, 8, 10)
        x = x.permute(0, 2, 1).contiguous()  # (B, 10, 8)
        x = self.fc(x).unsqueeze(1)  # (B, 1, 10, 4)
        x = x.squeeze(1).reshape(x.size(0), 5, 8).view(-1, 40)
        return x.mean(dim=-1, keepdim=True) if False else x


class Residual(nn.Module):
    """A stateless module called N times, residual adds, a torch.cat of branches, nested containers."""

    def __init__(self):
        super().__init__()
        self.act = nn.ReLU()
        self.blocks = nn.ModuleList([nn.Sequential(nn.Linear(8, 8), nn.Sequential(nn.LayerNorm(8))) for _ in range(3)])
        self.heads = nn.ModuleDict({"a": nn.Linear(8, 3), "b": nn.Linear(8, 2)})

    def forward(self, x):
        for block in self.blocks:
            x = self.act(x + block(x))
        return torch.cat([self.heads["a"](x), self.act(self.heads["b"](x))], dim=1)


def test_functional_calls():
    types, _ = imported(Functional(), (1, 8, 8))
    assert types == ["Input", "Conv2d", "ReLU", "MaxPool2d", "Sigmoid", "AvgPool2d", "Tanh", "GELU", "Flatten",
                     "Dropout", "Linear", "LogSoftmax"]


def test_functional_layers_on_own_parameters():
    types, data = imported(OwnParameters(), (2, 6, 6))
    assert types == ["Input", "Conv2d", "AdaptiveAvgPool2d", "Flatten", "Linear", "Softmax"]
    linear = next(n for n in data["graph"]["nodes"] if n["type"] == "Linear")
    assert linear["params"] == {"out_features": 3, "bias": False}


def test_shape_plumbing():
    types, data = imported(Plumbing(), (12, 5))
    assert types == ["Input", "Permute", "Conv1d", "Permute", "Linear", "Reshape", "Reshape", "Reshape", "Flatten"]
    assert [n["params"] for n in data["graph"]["nodes"] if n["type"] == "Permute"] == [{"dims": [1, 0]}] * 2


def test_stateless_module_called_n_times_is_n_nodes():
    types, data = imported(Residual(), (8,))
    assert types.count("ReLU") == 4 and types.count("Add") == 3 and types.count("Concat") == 1
    ids = [n["id"] for n in data["graph"]["nodes"] if n["type"] == "ReLU"]
    assert ids == ["act", "act_2", "act_3", "act_4"]
    assert "blocks_1_0" in {n["id"] for n in data["graph"]["nodes"]}


class Recurrent(nn.Module):
    def __init__(self, kind, batch_first=True, bidirectional=False, layers=2, read="h_n"):
        super().__init__()
        cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[kind]
        self.rnn = cls(4, 6, num_layers=layers, batch_first=batch_first, bidirectional=bidirectional)
        self.fc = nn.Linear(6 * (2 if bidirectional else 1), 2)
        self.read, self.kind, self.bf = read, kind, batch_first

    def forward(self, x):
        if self.read == "out":
            out, _ = self.rnn(x)
            return self.fc(out[:, -1] if self.bf else out[-1])
        if self.read == "mean":
            return self.fc(self.rnn(x)[0].mean(dim=1 if self.bf else 0))
        if self.kind == "lstm":
            _, (h_n, _) = self.rnn(x)
        else:
            _, h_n = self.rnn(x)
        return self.fc(h_n[-1])


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("read", ["h_n", "out", "mean"])
def test_recurrent_tuples_either_batch_layout(kind, batch_first, read):
    types, data = imported(Recurrent(kind, batch_first, read=read), (7, 4), seq_first=not batch_first)
    assert types == ["Input", kind.upper(), "SequencePool", "Linear"]
    assert ("sequence-first" in data["description"]) == (not batch_first)


def test_bidirectional_output():
    types, _ = imported(Recurrent("gru", bidirectional=True, read="out"), (7, 4))
    assert types == ["Input", "GRU", "SequencePool", "Linear"]


class Attention(nn.Module):
    """A scaled embedding, a learned position table added, one self-attention with its tuple, a TransformerEncoder."""

    def __init__(self, batch_first=True, norm=True):
        super().__init__()
        self.emb = nn.Embedding(20, 16)
        self.pos = nn.Parameter(torch.randn(1, 32, 16) * 0.02 if batch_first else torch.randn(32, 1, 16) * 0.02)
        self.attn = nn.MultiheadAttention(16, 4, batch_first=batch_first)
        layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=batch_first)
        self.encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(16) if norm else None,
                                             enable_nested_tensor=False)
        self.fc = nn.Linear(16, 3)
        self.bf = batch_first

    def forward(self, x):
        h = self.emb(x) * math.sqrt(16)
        h = h + (self.pos[:, : x.size(1)] if self.bf else self.pos[: x.size(0)])
        out, weights = self.attn(h, h, h)
        return self.fc(self.encoder(out).mean(dim=1 if self.bf else 0))


@pytest.mark.parametrize("batch_first", [True, False])
def test_attention_and_transformer_encoder(batch_first):
    types, data = imported(Attention(batch_first), (10,), "long", seq_first=not batch_first)
    assert types == ["Input", "Embedding", "Scale", "PositionalEncoding", "MultiheadAttention",
                     "TransformerEncoderLayer", "TransformerEncoderLayer", "LayerNorm", "SequencePool", "Linear"]
    pe = next(n for n in data["graph"]["nodes"] if n["type"] == "PositionalEncoding")
    assert pe["params"] == {"kind": "learned", "max_len": 32}


class TokenAndPosition(nn.Module):
    """nanoGPT's embeddings: positions from torch.arange through an Embedding, added to the tokens."""

    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(30, 8), nn.Embedding(16, 8)
        self.head = nn.Linear(8, 30, bias=False)

    def forward(self, idx):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device)
        return self.head(self.wte(idx) + self.wpe(pos))


def test_token_and_position_embeddings_from_arange():
    types, data = imported(TokenAndPosition(), (12,), "long")
    assert types == ["Input", "Embedding", "PositionalEncoding", "Linear"]
    pe = next(n for n in data["graph"]["nodes"] if n["type"] == "PositionalEncoding")
    assert pe["id"] == "wpe" and pe["params"] == {"kind": "learned", "max_len": 16}


class TutorialPositionalEncoding(nn.Module):
    """The sinusoidal table of PyTorch's nn.Transformer tutorial (sequence-first), a user class named like ours."""

    def __init__(self, d_model, max_len=64):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(0)]


TutorialPositionalEncoding.__name__ = "PositionalEncoding"


class TransformerTutorial(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(40, 8)
        self.pos_encoder = TutorialPositionalEncoding(8)
        self.transformer_encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, 0.0), 1,
                                                         enable_nested_tensor=False)
        self.linear = nn.Linear(8, 40)

    def forward(self, src, src_mask=None):  # src: (seq_len, batch)
        src = self.pos_encoder(self.embedding(src) * math.sqrt(8))
        return self.linear(self.transformer_encoder(src, src_mask)).transpose(0, 1)


def test_tutorial_sinusoidal_encoding_and_an_optional_mask_argument():
    types, data = imported(TransformerTutorial(), (9,), "long", seq_first=True)
    assert types == ["Input", "Embedding", "Scale", "PositionalEncoding", "TransformerEncoderLayer", "Linear"]
    pe = next(n for n in data["graph"]["nodes"] if n["type"] == "PositionalEncoding")
    assert pe["params"] == {"max_len": 64}  # sinusoidal: the default kind, no weights
