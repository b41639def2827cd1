"""The mask arguments of an attention call: a causal mask (what a language model passes) becomes the node's
is_causal; any other mask is refused by name. A mask is recognised by its values in the run (fx_run keeps the
values of tensors without a batch axis), so nanoGPT's `self.mask[:t, :t]` buffer, `torch.triu(..., diagonal=1)`
and `nn.Transformer.generate_square_subsequent_mask(t)` read the same."""
from __future__ import annotations

import torch

from i18n import _

from .fx_values import STATIC, Const, Unmapped

# The forward arguments of each attention module, in torch's order after the input(s).
MHA = ("key_padding_mask", "need_weights", "attn_mask", "average_attn_weights", "is_causal")
LAYER = ("src_mask", "src_key_padding_mask", "is_causal")
ENCODER = ("mask", "src_key_padding_mask", "is_causal")
PADDING = ("key_padding_mask", "src_key_padding_mask")


def _absent(v) -> bool:
    return v is None or v is STATIC


def is_causal_mask(value: torch.Tensor, steps: int) -> bool:
    """(T, T) that hides every later step: True above the diagonal (bool), or -inf there and 0 elsewhere (float)."""
    if value.shape != (steps, steps):
        return False
    later = torch.ones(steps, steps, dtype=torch.bool).triu(1)
    if value.dtype == torch.bool:
        return torch.equal(value, later)
    if not value.is_floating_point():
        return False
    return bool(torch.isneginf(value[later]).all()) and bool((value[~later] == 0).all())


def causal(path: str, given: dict, mask_name: str, steps: int) -> bool:
    """Whether the call is causal self-attention; Unmapped naming the argument when a mask is anything else."""
    for name in PADDING:
        if not _absent(given.get(name)):
            raise Unmapped(_("is called with {name}: the canvas's attention layers take no padding mask (every "
                             "sequence has the Input's length); without {name} it imports").format(name=name))
    mask, hint = given.get(mask_name), given.get("is_causal")
    if _absent(mask):
        if hint is True:  # torch needs the mask too; without it the eval fast path attends to every step
            raise Unmapped(_("is called with is_causal=True but no {name}: torch treats is_causal as a hint and "
                             "needs the mask itself; pass {name}=nn.Transformer.generate_square_subsequent_mask"
                             "(T) with it").format(name=mask_name))
        return False
    value = mask.value if isinstance(mask, Const) and not mask.trainable else None
    if value is None or not is_causal_mask(value, steps):
        raise Unmapped(_("is called with a {name} that is not the causal mask of its {t} steps (-inf or True above "
                         "the diagonal, nothing else): the canvas's attention is either causal (is_causal) or sees "
                         "every step, so the model would change").format(name=mask_name, t=steps))
    return True


def bound(names: tuple, args: list, kwargs: dict) -> dict:
    """The call's arguments after its input(s), by name."""
    return dict(zip(names, args)) | kwargs
