"""Causal self-attention (is_causal on MultiheadAttention and TransformerEncoderLayer) end to end: catalogue, check,
compile, exported script, ONNX (run by onnx's reference evaluator), training, the attention probe; a hand-written
attention is the oracle, and "a step never sees a later one" is checked on every path."""
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import builder
import trainer_projects as P
from builder.catalogue import LAYERS, palette
from builder.importers import load_class
from export.script import export_script
from trainers import TrainingJob, fit

torch.set_num_threads(1)
T = 6


def gpt(causal=True, layer="MultiheadAttention", dataset="copy", epochs=4, probes=False, **extra):
    """Embedding -> learned positions -> attention (or an encoder layer) -> Linear: a tiny token model."""
    attn = ({"num_heads": 2} if layer == "MultiheadAttention" else {"nhead": 2, "dim_feedforward": 32, "dropout": 0.0})
    return P.chain([("Embedding", {"num_embeddings": 10, "embedding_dim": 16}),
                    ("PositionalEncoding", {"kind": "learned", "max_len": 8}),
                    (layer, attn | ({"is_causal": True} if causal else {}) | extra), ("Linear", {"out_features": 10})],
                   {"dataset": dataset, "loss": "CrossEntropyLoss", "optimizer": {"type": "Adam", "lr": 0.003},
                    "batch_size": 64, "epochs": epochs, "seed": 0, "probes": {"enabled": probes}}, [8], dtype="long")


def by_hand(mha: nn.MultiheadAttention, x):
    """The oracle: softmax(QKᵀ/√d + M)V with M = -inf on every later step, per head, then the output projection."""
    b, t, e = x.shape
    h, d = mha.num_heads, e // mha.num_heads
    q, k, v = (z.view(b, t, h, d).transpose(1, 2) for z in F.linear(x, mha.in_proj_weight, mha.in_proj_bias).chunk(3, -1))
    scores = (q @ k.transpose(-2, -1) / math.sqrt(d)).masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1),
                                                                  float("-inf"))
    return mha.out_proj((scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, e))


def model_of(project):
    return builder.build_model(builder.load_project(project)).eval()


def no_later_step_counts(f, x):
    """Changing the last token changes no earlier step's output."""
    y = x.clone()
    y[:, -1] = (y[:, -1] + 1) % 10
    with torch.no_grad():
        a, b = f(x), f(y)
    torch.testing.assert_close(a[:, :-1], b[:, :-1])
    assert not torch.allclose(a[:, -1], b[:, -1])


def test_is_causal_is_a_forward_param_of_both_layers():
    for name in ("MultiheadAttention", "TransformerEncoderLayer"):
        spec = LAYERS[name]
        assert spec.forward_params == ("is_causal",) and palette()[name]["params"]["is_causal"]["default"] is False
    report = builder.check(builder.load_project(gpt()))
    assert report.ok and report.param_counts["n2_multiheadattention"] == sum(
        p.numel() for p in nn.MultiheadAttention(16, 2).parameters())


def test_compiled_attention_is_the_hand_written_causal_attention():
    model = model_of(gpt())
    x = torch.randint(0, 10, (3, 8))
    h = model.n1_positionalencoding(model.n0_embedding(x))
    with torch.no_grad():
        torch.testing.assert_close(model(x), model.n3_linear(by_hand(model.n2_multiheadattention, h)))
    no_later_step_counts(model, x)
    no_later_step_counts(model.train(), x)  # the training path (SDPA with is_causal) too
    assert "attn_mask = causal_mask, is_causal = True" in model.code


def test_encoder_layer_is_torchs_own_with_the_causal_mask():
    model = model_of(gpt(layer="TransformerEncoderLayer"))
    x = torch.randint(0, 10, (3, 8))
    layer = model.n2_transformerencoderlayer
    h = model.n1_positionalencoding(model.n0_embedding(x))
    with torch.no_grad():
        want = model.n3_linear(layer(h, src_mask=nn.Transformer.generate_square_subsequent_mask(8), is_causal=True))
        torch.testing.assert_close(model(x), want)
    no_later_step_counts(model, x)
    no_later_step_counts(model.train(), x)


def test_exported_script_passes_the_mask_once_per_length(tmp_path):
    project = gpt()
    project["graph"]["nodes"].insert(4, {"id": "enc", "type": "TransformerEncoderLayer",
                                         "params": {"nhead": 2, "dim_feedforward": 32, "is_causal": True}})
    edges = project["graph"]["edges"]
    edges[-1] = {"source": "n2_multiheadattention", "target": "enc"}
    edges.append({"source": "enc", "target": "n3_linear"})
    source = export_script(builder.checked(builder.load_project(project)))
    assert source.count("causal_mask = nn.Transformer.generate_square_subsequent_mask(x.size(1), device=x.device)") == 1
    assert "attn_mask=causal_mask, is_causal=True)[0]" in source and "src_mask=causal_mask, is_causal=True)" in source
    (tmp_path / "gpt.py").write_text(source)
    model = model_of(project)
    mine = load_class(tmp_path / "gpt.py", "Test")().eval()
    mine.load_state_dict(model.state_dict())
    x = torch.randint(0, 10, (3, 8))
    with torch.no_grad():
        torch.testing.assert_close(mine(x), model(x))
    no_later_step_counts(mine, x)


@pytest.mark.parametrize("exporter", ["torchscript", pytest.param("dynamo", marks=pytest.mark.slow)])
@pytest.mark.parametrize("layer", ["MultiheadAttention", "TransformerEncoderLayer"])
def test_onnx_file_computes_the_causal_model(exporter, layer):
    onnx = pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator
    from export.onnx import export_onnx
    project = gpt(layer=layer)
    model = model_of(project)
    data = export_onnx(builder.checked(builder.load_project(project)), model, exporter=exporter)
    run = ReferenceEvaluator(onnx.load_from_string(data))
    x = torch.randint(0, 10, (3, 8))
    no_later_step_counts(lambda t: torch.from_numpy(run.run(None, {"input": t.numpy()})[0]), x)
    with torch.no_grad():
        torch.testing.assert_close(torch.from_numpy(run.run(None, {"input": x.numpy()})[0]), model(x),
                                   atol=1e-5, rtol=1e-5)


def test_a_causal_model_learns_to_copy():
    history = fit(gpt(layer="TransformerEncoderLayer"))
    assert history["status"] == "finished" and history["final"]["val_accuracy"] >= 0.95, history


@pytest.mark.slow
def test_a_causal_model_cannot_reverse_what_it_has_not_seen():
    """Reversing needs the later half of the sequence: causal attention reaches the ceiling of 0.5 + 0.5 · 0.1."""
    sees_all = fit(gpt(False, "TransformerEncoderLayer", "reverse", epochs=15))["final"]["val_accuracy"]
    causal = fit(gpt(True, "TransformerEncoderLayer", "reverse", epochs=15))["final"]["val_accuracy"]
    assert sees_all >= 0.9 and 0.45 <= causal <= 0.58, (sees_all, causal)


@pytest.mark.parametrize("layer", ["MultiheadAttention", "TransformerEncoderLayer"])
def test_attention_map_shows_the_masked_triangle(layer):
    job = TrainingJob(gpt(layer=layer, epochs=1, probes=True))
    job.start()
    job.join(60)
    (node, entry), = job.snapshot()["probes"]["attention"].items()
    for head in entry["weights"]:
        for t, row in enumerate(head):
            assert all(w == 0 for w in row[t + 1:]) and sum(row[:t + 1]) == pytest.approx(1, abs=1e-3), (node, t)
    job = TrainingJob(gpt(False, layer, epochs=1, probes=True))
    job.start()
    job.join(60)
    (entry,) = job.snapshot()["probes"]["attention"].values()
    assert any(w > 0 for head in entry["weights"] for t, row in enumerate(head) for w in row[t + 1:])
