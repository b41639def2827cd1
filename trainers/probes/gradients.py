"""Per-node gradient and weight norms: where gradients vanish or explode."""
import torch

from ..metrics import plain


def node_norms(nodes: dict) -> dict:
    """{node_id: {"grad_norm", "weight_norm"}} for nodes with trainable parameters (L2 over all of them)."""
    out = {}
    for nid, module in nodes.items():
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            continue
        weight = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(p.detach()) for p in params]))
        grads = [p.grad for p in params if p.grad is not None]
        grad = (torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
                if grads else None)
        out[nid] = {"grad_norm": None if grad is None else plain(grad), "weight_norm": plain(weight)}
    return out
