"""The import zoo (tests/zoo/*.py) through `.py` (torch.fx), TorchScript ONNX and dynamo ONNX: every model that
can map comes in with parity (tests/zoo_parity.py: parameter count, outputs within 1e-5, the exported script
re-imports to the same graph); the few that cannot are refused with a sentence that says why and what to change.

Cells that do not pass yet are xfail(strict=True) with their reason and owner, so a fix that makes one pass
must also take its mark away: h-fx owns the `.py` column, h-onnx the two ONNX columns (issue 20).
"""
import pytest

from zoo_parity import entries, entry, onnx_available, run_cell

# Models that stay refused on every path, and the words their `.py` refusal holds (the culprit, what to change).
REFUSED = {
    "vae": ["VAE.forward returns 3 values", "one output", "the reconstruction"],
    "word_lm_examples": ["RNNModel.forward takes more than one input ('hidden')", "hidden=None"],
}

# `.py` cells that the torch.fx importer does not bring in yet (owner: h-fx, issue 20).
PY_PENDING = {}

_DYNAMO = "reads the weights from the .onnx.data file beside the model"
# ONNX cells that do not pass yet (owner: h-onnx, issue 20's ONNX side), with what stops them today.
ONNX_PENDING = {("onnx-dynamo", e.name): _DYNAMO for e in entries() if e.name not in REFUSED} | {
    ("onnx-torchscript", "bert_classifier"): "Range (the arange of the position Embedding) has no mapping; then "
                                             "Gather of hidden[:, 0] ([CLS]: SequencePool mode first)",
    ("onnx-torchscript", "char_gpt"): "Add of a parameter (the position table) has no mapping; then the causal "
                                      "attention (a Trilu/Where(-inf) mask added to the scores: is_causal)",
    ("onnx-torchscript", "nanogpt"): "Add of the position Embedding has no mapping; then the causal attn_mask "
                                     "(a sliced constant added to the scores: is_causal)",
    ("onnx-torchscript", "dcgan_discriminator"): "the If the exporter makes of .squeeze(1) (one number per sample, "
                                                 "[]) has no mapping",
    ("onnx-torchscript", "dcgan_generator"): "ConvTranspose has no mapping",
    ("onnx-torchscript", "mnist_classic"): "LogSoftmax has no mapping",
    ("onnx-torchscript", "mnist_cnn"): "LogSoftmax has no mapping",
    ("onnx-torchscript", "mobilenet_v2"): "Clip (ReLU6) and grouped Conv have no mapping",
    ("onnx-torchscript", "resnet18"): "BatchNorm folded into Conv by the exporter: 4,800 parameters gone",
    ("onnx-torchscript", "resnet_cifar"): "BatchNorm folded into Conv by the exporter: 560 parameters gone",
    ("onnx-torchscript", "seq_first_lstm"): "a sequence-first input (batch on axis 1) is refused",
    ("onnx-torchscript", "squeezenet"): "MaxPool ceil_mode=1 has no mapping",
    ("onnx-torchscript", "text_lstm"): "Gather of h_n[-1] has no mapping",
    ("onnx-torchscript", "transformer_encoder"): "Mul by a constant, Add of a parameter have no mapping",
    ("onnx-torchscript", "word_lm"): "LogSoftmax has no mapping",
}
SLOW = {"resnet18", "squeezenet", "nanogpt", "transformer_encoder", "word_lm", "bert_classifier", "char_gpt"}  # > ~10 s through a path here


def _cases(*paths):
    out = []
    for path in paths:
        for e in entries():
            marks = [pytest.mark.slow] if path != "py" or e.name in SLOW else []
            pending = PY_PENDING.get(e.name) if path == "py" else ONNX_PENDING.get((path, e.name))
            if pending:
                owner = "h-fx" if path == "py" else "h-onnx"
                marks.append(pytest.mark.xfail(strict=True, reason=f"{pending} (owner: {owner}, issue 20)"))
            out.append(pytest.param(e.name, path, marks=marks, id=f"{path}-{e.name}"))
    return out


def _one_sentence(cell: str):
    """A refusal a person can act on: no torch.fx node dump, no exception name, no traceback."""
    for word in ("Traceback", "node=%", "[num_users", "Error:", "Exception"):
        assert word not in cell, cell


@pytest.mark.parametrize("name, path", _cases("py"))
def test_zoo_through_torch_fx(name, path, tmp_path):
    cell = run_cell(entry(name), path, tmp_path)
    if name in REFUSED:
        _one_sentence(cell)
        for word in REFUSED[name]:
            assert word in cell, cell
    else:
        assert cell == "ok"


@pytest.mark.skipif(not onnx_available(), reason="onnx and onnxscript are in requirements.txt")
@pytest.mark.parametrize("name, path", _cases("onnx-torchscript", "onnx-dynamo"))
def test_zoo_through_onnx(name, path, tmp_path):
    cell = run_cell(entry(name), path, tmp_path)
    if name in REFUSED:
        assert cell != "ok"
        _one_sentence(cell)
    else:
        assert cell == "ok"


def test_the_zoo_holds_the_models_the_issue_names():
    names = {e.name for e in entries()}
    assert len(names) >= 15
    assert {"mnist_cnn", "cifar_net", "text_lstm", "gru_forecaster", "word_lm", "transformer_encoder", "vae",
            "autoencoder", "dcgan_discriminator", "resnet_cifar", "mobilenet_v2", "nanogpt", "char_gpt",
            "bert_classifier"} <= names
    for e in entries():
        assert e.shape and all(isinstance(d, int) and d > 0 for d in e.shape), e.name
        assert e.dtype in ("float", "long"), e.name
