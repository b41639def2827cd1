"""Gradient flow for the live canvas: the norm of the loss gradient arriving at each node's output."""
import math

import torch

from ..losses import compute_loss, make_loss
from .stats import first_tensor


def output_grad_norms(model, nodes: dict, input_node: str, x, y, loss_name: str, autocast) -> dict:
    """{node_id: ‖∂loss/∂output‖ over the probe batch}; the Input's entry is the gradient at x (float inputs).

    torch.autograd.grad, not backward(): the parameters' .grad of the training step stay untouched.
    """
    outputs, handles = {}, []

    def hook(nid):
        def keep(module, args, output):
            tensor = first_tensor(output)
            if tensor is not None and tensor.requires_grad:
                outputs[nid] = tensor
        return keep

    try:
        handles = [m.register_forward_hook(hook(nid)) for nid, m in nodes.items()]
        with torch.enable_grad(), autocast():
            xin = x.detach().clone().requires_grad_(x.is_floating_point())
            out = first_tensor(model(xin))
            loss = compute_loss(make_loss(loss_name), out.float(), y)
        if xin.requires_grad:
            outputs[input_node] = xin
        names = list(outputs)
        grads = torch.autograd.grad(loss, [outputs[n] for n in names], allow_unused=True)
    except Exception:  # noqa: BLE001 - a picture must never stop a training
        return {}
    finally:
        for h in handles:
            h.remove()
    norms = {}
    for nid, g in zip(names, grads):
        value = float(torch.linalg.vector_norm(g.float())) if g is not None else None
        norms[nid] = value if value is not None and math.isfinite(value) else None
    return norms
