"""Probes look inside every node; each figure is checked against PyTorch computing it directly."""
import pytest
import torch

import trainer_projects as P
from trainers import TrainingError, TrainingJob

torch.set_num_threads(1)


def trained(project, **overrides):
    job = TrainingJob(project, **overrides)
    job.start()
    assert job.join(60) and job.status == "finished", job.error
    return job, job.snapshot()["probes"]


def node_outputs(job, x):
    """Each node's output for x, by forward hooks on the compiled model in eval mode (the oracle)."""
    model, outs = job.model, {}
    handles = [m.register_forward_hook(lambda mod, a, o, nid=nid: outs.__setitem__(nid, o[0] if isinstance(o, tuple) else o))
               for nid, m in job.network.nodes.items()]
    model.eval()
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return outs


def cnn(**training):
    return P.chain([("Conv2d", {"out_channels": 4, "kernel_size": 3, "padding": 1}), ("ReLU", {}),
                    ("MaxPool2d", {"kernel_size": 2}), ("Flatten", {}), ("Linear", {"out_features": 10})],
                   {"dataset": "digits", "epochs": 2, "optimizer": {"type": "Adam", "lr": 0.01}, **training}, [1, 8, 8])


def test_cnn_probe_activations_gradients_maps_confusion_samples():
    job, probes = trained(cnn())
    x = job.data.x_val[:64]
    outs = node_outputs(job, x)
    assert probes["order"][0] == "in" and set(probes["activations"]) == set(probes["order"])
    relu = probes["activations"]["n1_relu"]
    dead = float((~(outs["n1_relu"] > 0).any(0)).float().mean())
    assert relu["dead_fraction"] == pytest.approx(dead)
    assert relu["mean"] == pytest.approx(float(outs["n1_relu"].mean()), rel=1e-5)
    assert sum(relu["hist"]["counts"]) == outs["n1_relu"].numel()
    assert probes["activations"]["n0_conv2d"]["dead_fraction"] is None
    conv = job.network.nodes["n0_conv2d"]
    grad = torch.cat([p.grad.reshape(-1) for p in conv.parameters()]).norm()
    assert probes["gradients"]["n0_conv2d"]["grad_norm"] == pytest.approx(float(grad), rel=1e-4)
    assert set(probes["gradient_history"]["grad_norm"]) == {"n0_conv2d", "n4_linear"}
    maps = probes["feature_maps"]
    assert set(maps) == {"n0_conv2d", "n1_relu", "n2_maxpool2d"} and maps["n2_maxpool2d"]["shape"] == [4, 4, 4]
    assert torch.allclose(torch.tensor(maps["n0_conv2d"]["channels"]), outs["n0_conv2d"][0], atol=1e-4)
    matrix = torch.tensor(probes["confusion"]["matrix"])
    assert int(matrix.sum()) == len(job.data.x_val)
    final = job.snapshot()["epochs"]["val_accuracy"][-1]
    assert float(matrix.diag().sum() / matrix.sum()) == pytest.approx(final)
    sample = probes["samples"][0]
    assert sample["kind"] == "image" and len(sample["input"]) == 8 and len(sample["input"][0]) == 8
    assert sample["target"] == int(job.data.y_val[0]) and sample["correct"] == (sample["prediction"] == sample["target"])
    assert probes["boundary"] is None and probes["attention"] == {} and probes["hidden_states"] == {}


def test_decision_boundary_for_two_d_inputs():
    job, probes = trained(P.spiral_mlp(epochs=2))
    b = probes["boundary"]
    assert len(b["x"]) == len(b["y"]) == len(b["predicted"]) == len(b["predicted"][0]) == 50
    assert len(b["points"]["x"]) == len(b["points"]["label"]) == 400
    model = job.model.eval()
    with torch.no_grad():
        corner = model(torch.tensor([[b["x"][0], b["y"][-1]]])).softmax(-1)[0]
    assert b["predicted"][-1][0] == int(corner.argmax())
    assert b["value"][-1][0] == pytest.approx(float(corner[1]), abs=2e-3)


def test_lstm_hidden_states_and_series_samples():
    job, probes = trained(P.sine_lstm(epochs=1))
    outs = node_outputs(job, job.data.x_val[:64])
    trace = probes["hidden_states"]["n0_lstm"]
    assert torch.allclose(torch.tensor(trace["values"]), outs["n0_lstm"][0, :, :16], atol=1e-4)
    sample = probes["samples"][0]
    assert sample["kind"] == "series" and len(sample["input"]) == 20 and isinstance(sample["prediction"], float)


def test_attention_weights_of_a_transformer_on_tokens():
    job, probes = trained(P.reverse_transformer(epochs=1))
    att = probes["attention"]["n2_transformerencoderlayer"]
    weights = torch.tensor(att["weights"])
    assert weights.shape == (4, 8, 8)
    assert torch.allclose(weights.sum(-1), torch.ones(4, 8), atol=1e-3)
    assert att["tokens"] == job.data.x_val[0].tolist()
    layer = job.network.nodes["n2_transformerencoderlayer"]
    x = node_outputs(job, job.data.x_val[:1])["n1_positionalencoding"]
    with torch.no_grad():
        _, direct = layer.self_attn(x, x, x, need_weights=True, average_attn_weights=False)
    assert torch.allclose(weights, direct[0], atol=1e-3)
    sample = probes["samples"][0]
    assert sample["kind"] == "tokens" and len(sample["prediction"]) == 8


def test_autoencoder_samples_are_reconstructions():
    project = P.chain([("Linear", {"out_features": 16}), ("ReLU", {}), ("Linear", {"out_features": 64})],
                      {"dataset": "digits", "dataset_options": {"autoencode": True}, "loss": "MSELoss", "epochs": 1},
                      [64])
    _, probes = trained(project)
    sample = probes["samples"][0]
    assert len(sample["prediction"]) == 8 and len(sample["target"][0]) == 8 and probes["confusion"] is None


def test_probe_interval_adapts_to_keep_cost_under_five_percent():
    job = TrainingJob(P.seed_mlp(epochs=1))
    prober = job.prober
    assert prober.due(1, 0.0)  # the first probe at once, so the UI has a picture
    prober.last_step, prober.mean_cost_s, prober.spent_s = 1, 0.1, 0.1
    prober.adapt(step_s=0.001)  # a 100 ms probe, 1 ms steps: every >= 0.1 * 0.96 / (0.04 * 0.001)
    assert prober.every == 2400
    assert prober.due(2401, running_s=100.0) and not prober.due(2000, running_s=100.0)
    prober.spent_s = 5.0  # over the 4% budget: wait even when the interval has passed
    assert not prober.due(2401, running_s=100.0)
    prober.mean_cost_s = 0.001
    prober.adapt(step_s=0.01)  # cheap probes, slow steps: still >= 0.5 s of training between probes
    assert prober.every == 50


def test_probe_cost_of_a_real_run_stays_small():
    _, probes = trained(P.seed_mlp(epochs=15))
    assert probes["cost_fraction"] < 0.10  # < 0.05 measured on an idle core; generous for a shared CI machine
    fixed, _ = trained(P.seed_mlp(epochs=1, probes={"every": 3}))
    assert fixed.prober.every == 3


def test_a_too_small_embedding_is_named_before_training():
    project = P.reverse_transformer()
    project["graph"]["nodes"][1]["params"]["num_embeddings"] = 6
    with pytest.raises(TrainingError, match="n0_embedding: num_embeddings is 6.*token ids 0..9"):
        TrainingJob(project)


def test_the_attention_map_of_the_reverse_lesson_is_labelled_with_the_sample_tokens():
    from presets import load_preset
    from ui.figures import layer_pictures
    job, probes = trained(load_preset("transformer_reverse"), epochs=1, device="cpu",
                          dataset_options={"n_samples": 320, "length": 8})
    att = probes["attention"]["enc1"]
    tokens = [str(t) for t in job.data.x_val[0].tolist()]  # sample 0 of the validation split, as the data set names it
    assert att["token_names"] == tokens and att["sample"] == {"index": 0, "split": "validation"}
    fig = layer_pictures.attention_figure(probes, "enc1")
    n_heads = len(fig["data"])
    assert n_heads == 4 and [a["text"] for a in fig["layout"]["annotations"]] == [f"head {i}" for i in range(1, 5)]
    for k in [""] + [str(i) for i in range(2, n_heads + 1)]:  # every panel, both axes
        assert list(fig["layout"][f"xaxis{k}"]["ticktext"]) == tokens
        assert list(fig["layout"][f"yaxis{k}"]["ticktext"]) == tokens
        assert fig["layout"][f"xaxis{k}"]["tickvals"] == list(range(8))
    assert "validation sample 1" in fig["layout"]["title"]["text"]
    assert fig["layout"]["yaxis"]["title"]["text"].startswith("query")


def test_attention_probes_stay_bounded_on_long_sequences():
    from trainers.probes.attention import MAX_TOKENS, AttentionCapture
    layer = torch.nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)
    capture = AttentionCapture({"enc": layer})
    layer(torch.randn(3, 100, 16))
    capture.remove()
    tokens = list(range(100))
    out = capture.weights(tokens, [f"t{i}" for i in range(100)], {"index": 0, "split": "validation"})["enc"]
    assert torch.tensor(out["weights"]).shape == (2, MAX_TOKENS, MAX_TOKENS)
    assert out["tokens"] == tokens[:MAX_TOKENS] and out["token_names"] == [f"t{i}" for i in range(MAX_TOKENS)]
