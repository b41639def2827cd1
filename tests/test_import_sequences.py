"""Importing what language models and sequence classifiers write: causal masks (a buffer sliced [:t, :t],
torch.triu(..., diagonal=1), nn.Transformer.generate_square_subsequent_mask with is_causal=True) become is_causal;
x[:, 0] (a [CLS] token) and torch.max(x, 1).values become SequencePool; anything else is refused by name."""
import pytest
import torch
from torch import nn

from builder.importers import ImportProblem, import_module
from import_models import outputs

T, E = 6, 8


class Attn(nn.Module):
    """nn.MultiheadAttention called with the mask `how` makes (nanoGPT's idioms and a few that are not causal)."""

    def __init__(self, how, **call):
        super().__init__()
        self.how, self.call = how, call
        self.attn = nn.MultiheadAttention(E, 2, batch_first=True)
        self.register_buffer("bool_mask", torch.triu(torch.ones(16, 16, dtype=torch.bool), diagonal=1))
        self.register_buffer("float_mask", torch.triu(torch.full((16, 16), float("-inf")), diagonal=1))
        self.register_buffer("tril", torch.tril(torch.ones(16, 16)))

    def mask(self, t):
        return {"bool buffer": lambda: self.bool_mask[:t, :t], "float buffer": lambda: self.float_mask[:t, :t],
                "triu": lambda: torch.triu(torch.ones((t, t), dtype=torch.bool), diagonal=1),
                "not tril": lambda: self.tril[:t, :t] == 0,
                "square": lambda: nn.Transformer.generate_square_subsequent_mask(t),
                "two ahead": lambda: torch.triu(torch.ones((t, t), dtype=torch.bool), diagonal=2),
                "ones(t, t)": lambda: torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1),
                "none": lambda: None}[self.how]()

    def forward(self, x):
        return self.attn(x, x, x, attn_mask=self.mask(x.size(1)), need_weights=False, **self.call)[0]


class Encoder(nn.Module):
    """A char-level GPT's body: nn.TransformerEncoder (or one layer) with the causal mask and is_causal=True."""

    def __init__(self, stack=True, mask=True, causal=True):
        super().__init__()
        layer = nn.TransformerEncoderLayer(E, 2, 16, 0.0, batch_first=True, norm_first=True)
        self.body = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False) if stack else layer
        self.stack, self.use_mask, self.causal = stack, mask, causal

    def forward(self, x):
        mask = nn.Transformer.generate_square_subsequent_mask(x.size(1), device=x.device) if self.use_mask else None
        if self.stack:
            return self.body(x, mask=mask, is_causal=self.causal)
        return self.body(x, src_mask=mask, is_causal=self.causal)


def imported(model, shape=(T, E)):
    model = model.eval()
    data, state = import_module(model, shape)
    x = torch.randn(3, *shape)
    with torch.no_grad():
        torch.testing.assert_close(outputs(data, state, x), model(x), atol=1e-5, rtol=1e-5)
    return [(n["type"], n["params"]) for n in data["graph"]["nodes"][1:]]


@pytest.mark.parametrize("how", ["bool buffer", "float buffer", "triu", "not tril", "square"])
def test_causal_masks_become_is_causal(how):
    assert imported(Attn(how)) == [("MultiheadAttention", {"num_heads": 2, "is_causal": True})]
    assert imported(Attn(how, is_causal=True)) == [("MultiheadAttention", {"num_heads": 2, "is_causal": True})]


@pytest.mark.parametrize("stack", [True, False])
def test_an_encoder_given_the_causal_mask_is_causal_layer_by_layer(stack):
    nodes = imported(Encoder(stack))
    assert [t for t, _ in nodes] == ["TransformerEncoderLayer"] * (2 if stack else 1)
    assert all(p["is_causal"] is True and p["norm_first"] is True for _, p in nodes)


@pytest.mark.parametrize("model, words", [
    (Attn("two ahead"), ["module 'attn'", "a attn_mask that is not the causal mask of its 6 steps", "is_causal"]),
    (Attn("none", is_causal=True), ["is called with is_causal=True but no attn_mask"]),  # eval: torch ignores it
    (Attn("ones(t, t)"), ["torch.ones(t, t) with a size read from the input cannot be traced", "torch.ones((t, t))"]),
    (Encoder(False, mask=False), ["module 'body'", "is_causal=True but no src_mask",
                                  "src_mask=nn.Transformer.generate_square_subsequent_mask(T)"]),
    (Encoder(True, mask=False), ["is_causal=True but no mask"])])
def test_other_masks_are_refused_by_name(model, words):
    with pytest.raises(ImportProblem) as e:
        import_module(model.eval(), (T, E))
    for word in words:
        assert word in str(e.value), str(e.value)


def test_a_padding_mask_is_refused_by_name():
    """(A padding mask computed from the input is refused earlier, at the op that computes it.)"""
    from builder.importers import fx_masks
    from builder.importers.fx_values import Unmapped
    with pytest.raises(Unmapped, match="is called with key_padding_mask: the canvas's attention layers take no "
                                       "padding mask"):
        fx_masks.causal("attn", {"key_padding_mask": object()}, "attn_mask", T)


class Pool(nn.Module):
    def __init__(self, how):
        super().__init__()
        self.how, self.fc = how, nn.Linear(E, 3)

    def forward(self, x):
        return {"cls": lambda: self.fc(x[:, 0]), "cls from the end": lambda: self.fc(x[:, -T]),
                "max values": lambda: self.fc(torch.max(x, 1).values), "max [0]": lambda: self.fc(x.max(dim=1)[0]),
                "method values": lambda: self.fc(x.max(1).values),
                "first of seq-first": lambda: self.fc(x.transpose(0, 1)[0]),
                "max indices": lambda: torch.max(x, 1)[1].float(), "max features": lambda: x.max(2).values,
                "max kept": lambda: x.max(1, keepdim=True).values[:, 0],
                "max of two": lambda: torch.max(x, x * 2)[:, 0], "a middle step": lambda: x[:, 2]}[self.how]()


@pytest.mark.parametrize("how, mode", [("cls", "first"), ("cls from the end", "first"), ("first of seq-first", "first"),
                                       ("max values", "max"), ("max [0]", "max"), ("method values", "max")])
def test_first_step_and_max_over_time_are_sequence_pools(how, mode):
    assert imported(Pool(how))[0] == ("SequencePool", {"mode": mode})


@pytest.mark.parametrize("how, words", [
    ("max indices", ["uses the indices of the max", "torch.max(x, 1).values"]),
    ("max features", ["Tensor.max takes the max over dims [2] of the sequence (B, 6, 8)", "time axis (dim 1)"]),
    ("max kept", ["with keepdim=True", "leave keepdim out"]),
    ("max of two", ["torch.max takes the element-wise max of two tensors"]),
    ("a middle step", ["picks part of a tensor ([:, 2, :])", "the last or the first step"])])
def test_other_picks_and_maxima_are_refused_by_name(how, words):
    with pytest.raises(ImportProblem) as e:
        import_module(Pool(how).eval(), (T, E))
    for word in words:
        assert word in str(e.value), str(e.value)


def test_sequence_pool_first_is_the_first_step_and_older_scripts_still_import(tmp_path):
    """SequencePool(mode="first") computes x[:, 0]; a script exported before that mode existed (its SequencePool
    copy has the earlier forward, which is no longer our code) still imports: traced through, to the same node."""
    import builder
    from export.script import export_script
    project = builder.load_project({"format": "neurocanvas/1", "name": "pool", "graph": {
        "nodes": [{"id": "in", "type": "Input", "params": {"shape": [T, E]}},
                  {"id": "cls", "type": "SequencePool", "params": {"mode": "first"}}],
        "edges": [{"source": "in", "target": "cls"}]}})
    x = torch.randn(3, T, E)
    torch.testing.assert_close(builder.build_model(project)(x), x[:, 0])
    source = export_script(builder.checked(project))
    earlier = source.replace('        if self.mode == "first":\n            return x[:, 0]\n', "")
    assert earlier != source
    from builder.importers import load_class
    for mode in ("last", "mean", "max"):
        (tmp_path / f"{mode}.py").write_text(earlier.replace('mode="first"', f'mode="{mode}"'))
        data, _ = import_module(load_class(tmp_path / f"{mode}.py", "Pool")(), (T, E))
        assert data["graph"]["nodes"][1]["type"] == "SequencePool"
        assert data["graph"]["nodes"][1]["params"] == ({} if mode == "last" else {"mode": mode})
