"""Attention masks through both torch.onnx exporters: the causal mask, however the exporter writes it (a constant
triangle added to the scores, Trilu -> Where(-inf), is_causal lowered, a sliced buffer), imports as the layer's
is_causal with parity; any other mask is refused by name. The mask is read by its values, and the layer with
is_causal is checked against onnx's reference evaluator on the file's own nodes (onnx_verify), as heads are.
"""
import pytest
import torch
from torch import nn

from builder.importers import ImportProblem
from builder.importers.onnx_import import import_onnx_file
from test_import_onnx import _export, _parity

pytestmark = pytest.mark.slow  # every case exports through torch.onnx
T = 6  # steps; the buffers are longer (8) and sliced to T as nanoGPT slices its own


def _mask(kind: str, t: int, model) -> torch.Tensor | None:
    """The attn_mask each idiom passes (True / -inf: the step may not be looked at)."""
    return {
        "square": lambda: nn.Transformer.generate_square_subsequent_mask(t),  # the float triangle, a constant
        "triu": lambda: torch.triu(torch.ones((t, t), dtype=torch.bool), diagonal=1),  # computed in forward
        "buffer": lambda: model.tri[:t, :t],  # nanoGPT's bool buffer, sliced
        "float_buffer": lambda: model.ftri[:t, :t],
        "shifted": lambda: torch.triu(torch.ones((t, t), dtype=torch.bool), diagonal=2),  # sees the next step
        "padding": lambda: torch.zeros(t, t).index_fill(1, torch.tensor([t - 1]), float("-inf")),  # hides the last
        "learned": lambda: model.learned,
    }[kind]()


class Attention(nn.Module):
    """Tokens -> embedding -> nn.MultiheadAttention(attn_mask=...) -> Linear, as a language model writes it."""

    def __init__(self, kind: str, call: str = "plain"):
        super().__init__()
        self.kind, self.call = kind, call
        self.emb = nn.Embedding(10, 16)
        self.attn = nn.MultiheadAttention(16, 2, batch_first=True)
        self.fc = nn.Linear(16, 5)
        self.register_buffer("tri", torch.triu(torch.ones(8, 8, dtype=torch.bool), diagonal=1))
        self.register_buffer("ftri", nn.Transformer.generate_square_subsequent_mask(8))
        if kind == "learned":
            self.learned = nn.Parameter(torch.randn(T, T))

    def forward(self, idx):  # (B, T) token ids
        x = self.emb(idx)
        mask = _mask(self.kind, idx.size(1), self)
        if self.call == "weights":  # need_weights left True: torch's non-SDPA path, baddbmm(mask, q, kᵀ)
            return self.fc(self.attn(x, x, x, attn_mask=mask)[0])
        if self.call == "hint":  # with is_causal=True torch drops the mask for SDPA's is_causal: Trilu in the file
            return self.fc(self.attn(x, x, x, attn_mask=mask, need_weights=False, is_causal=True)[0])
        return self.fc(self.attn(x, x, x, attn_mask=mask, need_weights=False)[0])


class Encoder(nn.Module):
    """nn.TransformerEncoder(x, mask=..., is_causal=...) as a character-level GPT calls it."""

    def __init__(self, hint: bool):
        super().__init__()
        self.hint = hint
        self.emb = nn.Embedding(10, 16)
        layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.fc = nn.Linear(16, 5)

    def forward(self, idx):
        mask = nn.Transformer.generate_square_subsequent_mask(idx.size(1))
        return self.fc(self.blocks(self.emb(idx), mask=mask, is_causal=self.hint))


def _long(model, exporter, tmp_path, opset=None):
    """The model exported with a (2, T) batch of token ids, batch axis dynamic."""
    return _export(model, (T,), exporter, tmp_path, opset, tokens=True)


def _model(cls, *args):
    torch.manual_seed(0)
    return cls(*args).eval()


def _types(data):
    return [(n["type"], n["params"].get("is_causal", False)) for n in data["graph"]["nodes"]
            if n["type"] in ("MultiheadAttention", "TransformerEncoderLayer")]


def _tokens_parity(model, data, state):
    _parity(model, data, state, (T,), tokens=True)


@pytest.mark.parametrize("exporter", ["torchscript", "dynamo"])
@pytest.mark.parametrize("kind, call", [("square", "plain"), ("triu", "plain"), ("buffer", "plain"),
                                        ("float_buffer", "plain"), ("square", "weights"), ("square", "hint")])
def test_a_causal_mask_imports_as_is_causal(tmp_path, exporter, kind, call):
    model = _model(Attention, kind, call)
    data, state = import_onnx_file(_long(model, exporter, tmp_path))
    assert _types(data) == [("MultiheadAttention", True)]
    _tokens_parity(model, data, state)


@pytest.mark.parametrize("exporter", ["torchscript", "dynamo"])
@pytest.mark.parametrize("hint", [False, True])  # the mask added as a constant; is_causal lowered to Trilu
def test_a_causal_encoder_imports_as_is_causal(tmp_path, exporter, hint):
    model = _model(Encoder, hint)
    data, state = import_onnx_file(_long(model, exporter, tmp_path))
    assert _types(data) == [("TransformerEncoderLayer", True)] * 2
    _tokens_parity(model, data, state)


def test_attention_without_a_mask_stays_non_causal(tmp_path):
    class Plain(Attention):
        def forward(self, idx):
            x = self.emb(idx)
            return self.fc(self.attn(x, x, x, need_weights=False)[0])
    model = _model(Plain, "square")
    data, state = import_onnx_file(_long(model, "torchscript", tmp_path))
    assert _types(data) == [("MultiheadAttention", False)]
    _tokens_parity(model, data, state)


@pytest.mark.parametrize("exporter, opset", [("torchscript", 14), ("torchscript", 17), ("torchscript", 18),
                                             ("dynamo", 18), ("dynamo", 19)])  # and both exporters' default, 20
def test_the_causal_mask_at_the_opsets_the_readme_claims(tmp_path, exporter, opset):
    for call in ("plain", "hint"):  # a sliced buffer; Trilu (opset 14 has it)
        model = _model(Attention, "buffer", call)
        data, state = import_onnx_file(_long(model, exporter, tmp_path, opset))
        assert _types(data) == [("MultiheadAttention", True)]
        _tokens_parity(model, data, state)


@pytest.mark.parametrize("exporter, kind", [(e, k) for e in ("torchscript", "dynamo") for k in ("shifted", "padding")]
                         + [("torchscript", "learned")])  # dynamo cannot export a Parameter passed as attn_mask
def test_a_mask_that_is_not_causal_is_refused_by_name(tmp_path, exporter, kind):
    model = _model(Attention, kind)
    with pytest.raises(ImportProblem) as e:
        import_onnx_file(_long(model, exporter, tmp_path))
    text = str(e.value)
    for words in ("module 'attn'", f"not the causal mask of its {T} steps", "triu(..., diagonal=2)",
                  "either causal (is_causal) or sees every step"):
        assert words in text, text
    if exporter == "dynamo":  # the user's own line, not torch's functional.py
        assert "line " in text and "self.attn(x, x, x, attn_mask=mask" in text, text


@pytest.mark.parametrize("exporter", ["torchscript", "dynamo"])
def test_a_padding_mask_made_from_the_tokens_is_refused_by_name(tmp_path, exporter):
    class Padded(Attention):
        def forward(self, idx):
            x = self.emb(idx)
            return self.fc(self.attn(x, x, x, key_padding_mask=(idx == 0), need_weights=False)[0])
    with pytest.raises(ImportProblem) as e:
        import_onnx_file(_long(_model(Padded, "square"), exporter, tmp_path))
    assert "(Equal)" in str(e.value) and "key_padding_mask=(tokens == 0)" in str(e.value), str(e.value)


def test_a_dynamo_file_converted_below_opset_18_says_why_attention_is_not_recognised(tmp_path):
    with pytest.raises(ImportProblem) as e:
        import_onnx_file(_long(_model(Attention, "buffer"), "dynamo", tmp_path, 17))
    assert "records no module paths" in str(e.value) and "opset_version=18 or later" in str(e.value)
