"""What the canvas cannot hold is refused with one sentence a person can act on: the user's line, the module or
call, what is wrong and what would work instead; never a torch.fx node dump or an exception name, never a partial
graph (import_module returns nothing)."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from builder.importers import ImportProblem, import_module


class M(nn.Module):
    """A small model whose forward is given per case: `M(fn, **modules)` calls fn(self, x)."""

    def __init__(self, fn, **modules):
        super().__init__()
        self.fn = fn
        for name, module in modules.items():
            self.add_module(name, module)

    def forward(self, x):
        return self.fn(self, x)


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x, hidden):
        return self.fc(x) + hidden


class BranchOnValue(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        if x.sum() > 0:
            return self.fc(x)
        return -self.fc(x)


def _lstm(**kw):
    return nn.LSTM(4, 6, batch_first=True, **kw)


CASES = [  # (id, model, sample shape, dtype, words the sentence must hold)
    ("two inputs", TwoInputs(), (4,), "float", ["TwoInputs.forward takes more than one input ('hidden')",
                                                "hidden=None"]),
    ("branch on a tensor", BranchOnValue(), (4,), "float", ["`if x.sum() > 0:`", "control flow on tensor values",
                                                            "Python values"]),
    ("wrong input size", M(lambda s, x: s.fc(x), fc=nn.Linear(5, 2)), (4,), "float",
     ["lambda s, x: s.fc(x)", "fails on the input shape given",
      "cannot be multiplied"]),
    ("lower layer of h_n", M(lambda s, x: s.rnn(x)[1][0][0], rnn=_lstm(num_layers=2)), (5, 4), "float",
     ["reads h_n[0] of module 'rnn', the state of layer 1 of 2", "use h_n[-1]"]),
    ("bidirectional h_n", M(lambda s, x: torch.cat((s.rnn(x)[1][-2], s.rnn2(x)[1][-1]), 1),
                            rnn=nn.GRU(4, 6, batch_first=True, bidirectional=True),
                            rnn2=nn.GRU(4, 6, batch_first=True, bidirectional=True)), (5, 4), "float",
     ["bidirectional module 'rnn'", "one direction's final state", "out[:, -1]"]),
    ("attention weights", M(lambda s, x: s.attn(x, x, x)[1], attn=nn.MultiheadAttention(4, 2, batch_first=True)),
     (5, 4), "float", ["attention weights that module 'attn' returns", "element 0"]),
    ("cross-attention", M(lambda s, x: s.attn(x, s.fc(x), x)[0], attn=nn.MultiheadAttention(4, 2, batch_first=True),
                          fc=nn.Linear(4, 4)), (5, 4), "float", ["module 'attn'", "self-attention attn(x, x, x)"]),
    ("dropout at evaluation", M(lambda s, x: F.dropout(s.fc(x), 0.5), fc=nn.Linear(4, 4)), (4,), "float",
     ["torch.nn.functional.dropout", "without training=self.training", "nn.Dropout"]),
    ("softmax without dim", M(lambda s, x: F.softmax(s.fc(x)), fc=nn.Linear(4, 4)), (4,), "float",
     ["torch.nn.functional.softmax without dim", "dim=1"]),
    ("batch merged", M(lambda s, x: s.fc(x.view(-1, 2)), fc=nn.Linear(2, 2)), (8,), "float",
     ["Tensor.view merges the batch axis", "x.view(x.size(0), -1)"]),
    ("constant added", M(lambda s, x: s.fc(x) + 1.0, fc=nn.Linear(4, 4)), (4,), "float",
     ["adds the constant 1.0", "no canvas layer adds a constant"]),
    ("a middle step", M(lambda s, x: s.fc(x[:, 2]), fc=nn.Linear(4, 2)), (5, 4), "float",
     ["indexing picks part of a tensor ([:, 2, :])", "the last or the first step of a sequence"]),
    ("leaves torch", M(lambda s, x: torch.from_numpy(s.fc(x).detach().numpy()), fc=nn.Linear(4, 2)), (4,), "float",
     ["leaves torch (numpy)", "torch.flatten(x, 1) instead of x.numpy()"]),
    ("hand-written attention", M(lambda s, x: torch.bmm(x, x.transpose(1, 2)), fc=nn.Linear(4, 2)), (5, 4), "float",
     ["torch.bmm has no canvas layer", "nn.MultiheadAttention"]),
    ("noise", M(lambda s, x: s.fc(x) + torch.randn(x.size(0), 2), fc=nn.Linear(4, 2)), (4,), "float",
     ["randn() is given a size read from the input", "not computed from the input"]),
    ("initial state not zeros", M(lambda s, x: s.rnn(x, (torch.ones(1, x.size(0), 6), torch.ones(1, x.size(0), 6)))[0],
                                  rnn=_lstm()), (5, 4), "float", ["torch.ones makes a tensor of the batch's size"]),
    ("a learned scale", M(lambda s, x: s.fc(x) * s.gain, fc=nn.Linear(4, 2)), (4,), "float",
     ["multiplies by the tensor 'gain'", "constant number (Scale)"]),
    ("a fixed table that is not sinusoidal", M(lambda s, x: x + s.table[: x.size(1)]), (6, 4), "float",
     ["the fixed table 'table'", "nn.Parameter"]),
    ("batch-first layer, sequence-first tensor", M(lambda s, x: s.rnn(x.transpose(0, 1))[0].transpose(0, 1),
                                                  rnn=_lstm()), (5, 4), "float",
     ["module 'rnn' (LSTM, batch_first=True) gets a tensor whose batch is on axis 1", "x.transpose(0, 1)"]),
    ("no layer for the module", M(lambda s, x: s.bil(x, x), bil=nn.Bilinear(4, 4, 2)), (4,), "float",
     ["module 'bil' (torch.nn.modules.linear.Bilinear) has no layer in the catalogue"]),
    ("mean over everything", M(lambda s, x: s.fc(x).mean(), fc=nn.Linear(4, 2)), (4,), "float",
     ["Tensor.mean reduces the whole tensor"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_refusal_is_one_sentence_that_names_the_culprit(case):
    _id, model, shape, dtype, words = case
    if _id == "a learned scale":
        model.gain = nn.Parameter(torch.ones(2))
    if _id.startswith("a fixed table"):
        model.register_buffer("table", torch.rand(10, 4))
    with pytest.raises(ImportProblem) as e:
        import_module(model, shape, dtype)
    text = str(e.value)
    for word in words:
        assert word in text, text
    for dump in ("%", "node=", "num_users", "Error", "Traceback", "Proxy("):
        assert dump not in text, text
    assert "\n" not in text
    if "fails on" not in text and "forward" not in text.split(":")[0]:
        assert text.startswith("line "), text  # the user's line comes first
