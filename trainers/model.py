"""The network to train: built from a project by `builder`, or a hand-written nn.Module, with its node map."""
from dataclasses import dataclass, field

import torch
from torch import nn

from i18n import N_

from .errors import TrainingError


@dataclass(eq=False)
class Network:
    model: nn.Module
    training: dict                    # the project's raw `training` section
    input_node: str = "input"
    input_shape: tuple | None = None  # None: the data set's natural shape
    input_dtype: str | None = None    # "float" | "long"; None: whatever the data set gives
    output_node: str = "output"
    nodes: dict = field(default_factory=dict)   # node id -> submodule (Input excluded)
    types: dict = field(default_factory=dict)   # node id -> type name ("Input", "Linear"...)
    order: list = field(default_factory=list)   # node ids in forward order, Input first
    name: str = "model"


def from_project(source, seed: int | None = None) -> Network:
    """The door for a project (path, dict, builder.Project or builder.Checked). A Checked that was agreed with its
    data (trainers.agreement.checked, the registry's) is compiled as it is: not parsed nor checked again."""
    from .agreement import checked
    return from_checked(checked(source), seed)


def from_checked(source, seed: int | None = None) -> Network:
    """Compile an agreed builder.Checked; its problems raise TrainingError naming nodes (and their fixes).

    The weights are initialised after torch.manual_seed(seed) (default: the project's training.seed).
    """
    import builder
    from .agreement import refusal
    if why := refusal(source):  # graph, output, loss and data must agree before any work
        raise TrainingError(why)
    project, report = source.project, source.report
    torch.manual_seed(int(seed if seed is not None else project.training.get("seed", 0) or 0))
    model = builder.build_model(source)
    types = {n.id: n.type for n in project.graph.nodes}
    nodes = {nid: model.get_submodule(attr) for nid, attr in model.node_modules.items()}
    return Network(model, dict(project.training), report.input_node, tuple(report.shapes[report.input_node]),
                   report.dtypes[report.input_node], report.output_node, nodes, types, list(report.order),
                   project.name or "project")


def from_module(module: nn.Module, training: dict | None = None, input_shape=None, name: str = "model") -> Network:
    """Wrap a hand-written module: its direct children are the probed 'nodes' (nn.Sequential: "0", "1"...)."""
    if not isinstance(module, nn.Module):
        raise TrainingError(N_("expected a torch.nn.Module, got {kind}", kind=type(module).__name__))
    children = dict(module.named_children())
    types = {"input": "Input", **{k: type(m).__name__ for k, m in children.items()}}
    last = list(children)[-1] if children else "output"
    return Network(module, dict(training or {}), "input", tuple(input_shape) if input_shape else None, None,
                   last, children, types, ["input", *children], name)


@torch.no_grad()
def output_shape(network: Network, x: torch.Tensor) -> tuple:
    """Run two samples through the model (eval mode) to learn its output shape; errors name the model."""
    model = network.model
    was = model.training
    model.eval()
    try:
        out = model(x[:2])
    except Exception as exc:  # noqa: BLE001 - any model error becomes a readable message
        raise TrainingError(N_("the model failed on a batch of shape {value}: {exc}",
                               value=list(x[:2].shape), exc=exc)) from None
    finally:
        model.train(was)
    if not isinstance(out, torch.Tensor):
        raise TrainingError(N_("output node '{output_node}' must give one tensor, got {kind}",
                               output_node=network.output_node, kind=type(out).__name__))
    return tuple(out.shape[1:])


def check_vocabulary(network: Network, vocab: int | None, dataset: str) -> None:
    """Token ids must fit every Embedding that reads them; otherwise torch fails with 'index out of range'."""
    if not vocab:
        return
    for nid, module in network.nodes.items():
        if isinstance(module, nn.Embedding) and module.num_embeddings < vocab:
            raise TrainingError(N_("{nid}: num_embeddings is {num_embeddings}, but data set '{dataset}' uses token ids"
                                   " 0..{value} (set num_embeddings to at least {vocab})",
                                   nid=nid, num_embeddings=module.num_embeddings, dataset=dataset, value=vocab - 1,
                                   vocab=vocab))
