"""One number per sample (torch's (B,) output, shape [] on the canvas): Reshape(shape=[]) end to end — check,
compile, exported script, ONNX, the agreement with data and loss, training, import — with torch as the oracle."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import builder
import trainer_projects as P
from builder.importers import import_module
from export.script import export_script
from i18n import set_language
from import_models import outputs
from trainers import fit
from trainers.agreement import checked
from ui.derived import shape_text
from ui.views.param_text import ints_to_text, parse_ints

torch.set_num_threads(1)
HEAD = [("Linear", {"out_features": 8}), ("ReLU", {}), ("Linear", {"out_features": 1}), ("Reshape", {"shape": []})]


def binary(loss="BCEWithLogitsLoss", dataset="breast_cancer", head=HEAD, shape=(30,), **training):
    return P.chain(head, {"dataset": dataset, "loss": loss, "optimizer": {"type": "Adam", "lr": 0.01},
                          "batch_size": 64, "epochs": 4, "seed": 0, **training}, shape)


def test_reshape_to_no_axis_is_one_number_per_sample():
    report = builder.check(builder.load_project(binary()))
    assert report.ok, report.errors
    assert report.shapes["n3_reshape"] == ()
    bad = builder.check(builder.load_project(binary(head=[("Linear", {"out_features": 3}), ("Reshape", {"shape": []})])))
    assert "Reshape to [] keeps one number per sample, but [3] holds 3 values" in str(bad.errors[0])


@pytest.mark.parametrize("after, words", [
    (("LayerNorm", {}), "LayerNorm normalises each sample over its last axis, but [] (one number per sample) has none"),
    (("Softmax", {}), "Softmax over one number per sample ([]) would mix the samples of a batch"),
    (("Linear", {"out_features": 2}), "Linear expects at least [features], got a scalar")])
def test_layers_that_need_an_axis_say_so(after, words):
    report = builder.check(builder.load_project(binary(head=HEAD + [after])))
    assert words in str(report.errors[0]), report.errors


def test_softmax_over_the_batch_axis_counted_from_the_end_is_refused():
    project = P.chain([("Linear", {"out_features": 4}), ("Softmax", {"dim": -2})], {}, [3])
    assert "mixes the samples of a batch" in str(builder.check(builder.load_project(project)).errors[0])


def test_compiled_model_and_script_give_what_hand_written_torch_gives(tmp_path):
    project = binary()
    model = builder.build_model(builder.load_project(project)).eval()
    torch.manual_seed(1)
    x = torch.randn(5, 30)
    a, b = model.n0_linear, model.n2_linear
    want = b(F.relu(a(x))).squeeze(1)  # the oracle: (B, 1) -> (B,)
    with torch.no_grad():
        assert model(x).shape == (5,)
        torch.testing.assert_close(model(x), want.detach())
    source = export_script(builder.checked(builder.load_project(project)))
    assert "self.n3_reshape = Reshape(shape=())" in source and "# (B,)" in source and "-> (B,)," in source
    (tmp_path / "test.py").write_text(source)
    spec = builder.importers.load_class(tmp_path / "test.py", "Test")()
    spec.load_state_dict(model.state_dict())
    with torch.no_grad():
        torch.testing.assert_close(spec.eval()(x), want.detach())


def test_training_script_makes_targets_of_one_number():
    from export.script import export_script as script
    for loss, dataset, line in (("BCEWithLogitsLoss", "breast_cancer", "y = y.float()  # two classes as one 0/1"),
                                ("MSELoss", "diabetes", "y = y.reshape(len(y))  # one number per sample")):
        shape = (30,) if dataset == "breast_cancer" else (10,)
        assert line in script(builder.checked(builder.load_project(binary(loss, dataset, shape=shape))), True)


@pytest.mark.parametrize("exporter", ["torchscript", pytest.param("dynamo", marks=pytest.mark.slow)])
def test_onnx_output_is_rank_one_with_a_dynamic_batch(exporter):
    onnx = pytest.importorskip("onnx")
    from export.onnx import export_onnx
    model = onnx.load_from_string(export_onnx(builder.checked(builder.load_project(binary())), exporter=exporter))
    (out,) = model.graph.output
    dims = out.type.tensor_type.shape.dim
    assert len(dims) == 1 and dims[0].dim_param  # (batch,): no axis after the batch
    assert model.graph.node[-1].op_type == "Reshape"


def _problems(project):
    report = checked(project).report  # check, then the agreement with the data set's signature and the loss
    return [str(p) for p in report.errors], [str(p) for p in report.warnings]


def test_agreement_says_when_one_number_fits_and_when_not():
    assert _problems(binary()) == ([], [])  # two classes, one logit per sample
    assert _problems(binary("MSELoss", "diabetes", shape=(10,))) == ([], [])  # targets [1]: one number
    errors, _ = _problems(binary("CrossEntropyLoss"))
    assert errors == ["n3_reshape: gives [] (one number), but CrossEntropyLoss on 'breast_cancer' needs [2]: one "
                      "score for each of its 2 classes"]
    errors, _ = _problems(binary(dataset="iris", shape=(4,)))
    assert "gives [] (one number), but BCEWithLogitsLoss on 'iris' needs [3]" in errors[0]
    errors, _ = _problems(binary("MSELoss", "digits", shape=(64,), dataset_options={"autoencode": True}))
    assert errors == ["n3_reshape: gives [] (one number), but the targets of 'digits' are [64]"]


def test_it_trains_with_bce_and_with_mse():
    history = fit(binary(epochs=6))
    assert history["status"] == "finished", history
    assert history["final"]["val_accuracy"] >= 0.93
    history = fit(binary("MSELoss", "diabetes", shape=(10,), epochs=20))
    assert history["status"] == "finished", history
    assert history["final"]["val_r2"] >= 0.4


class Discriminator(nn.Module):
    """The ends pytorch/examples and tutorials write for one number per sample."""

    def __init__(self, end):
        super().__init__()
        self.end = end
        self.conv = nn.Conv2d(3, 1, 4)
        self.fc = nn.Linear(1, 1)

    def forward(self, x):
        out = torch.sigmoid(self.conv(x))  # (B, 1, 1, 1)
        if self.end == "view_squeeze":
            return out.view(-1, 1).squeeze(1)
        if self.end == "view":
            return out.view(-1)
        if self.end == "flatten":
            return torch.flatten(out)
        return self.fc(out.flatten(1)).squeeze(-1)


@pytest.mark.parametrize("end", ["view_squeeze", "view", "flatten", "linear_squeeze"])
def test_import_maps_the_end_onto_reshape_to_no_axis(end):
    model = Discriminator(end).eval()
    data, state = import_module(model, (3, 4, 4))
    nodes = data["graph"]["nodes"]
    assert nodes[-1]["type"] == "Reshape" and nodes[-1]["params"] == {"shape": []}
    x = torch.randn(3, 3, 4, 4)
    with torch.no_grad():
        torch.testing.assert_close(outputs(data, state, x), model(x))


def test_the_page_reads_no_axis_as_one_number_in_both_languages():
    try:
        assert shape_text(()) == "[] (one number)" and shape_text((3, 8)) == "[3, 8]"
        set_language("zh")
        assert shape_text(()) == "[]（一个数）"
    finally:
        set_language("en")
    assert ints_to_text([]) == "[]" and parse_ints("[]", "sq.shape", False, True, empty=True) == []
    with pytest.raises(ValueError):
        parse_ints("", "in.shape", False, True)  # an Input keeps its axes
