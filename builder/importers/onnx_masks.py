"""The mask an ONNX attention adds to its scores: none, or the causal one (the layer's is_causal); any other is
refused by name.

Every exporter adds the mask to the scores right before their Softmax (MatMul(Q, Kᵀ) -> [Mul] -> Add(mask) ->
Softmax). nanoGPT's sliced bool buffer arrives as Slice -> Cast -> Where(-inf, 0); a mask torch built
(generate_square_subsequent_mask, torch.triu) as a constant or a constant subgraph; is_causal, lowered by either
exporter, as Expand(ones) -> Trilu(upper=0) -> Equal(0) -> Where(-inf, 0) (dynamo writes float32's lowest value
for -inf). All of them are computed from shapes and constants only, so the mask is the Add's operand that is not
data, and its values — read by onnx's reference evaluator at the file's sequence length — decide, by the rule the
`.py` import uses (fx_masks.is_causal_mask). The layer is then verified whole (onnx_verify), as its heads are.
"""
from __future__ import annotations

import numpy as np

from i18n import _

from .onnx_verify import static_value

_ON_THE_WAY = {"Add", "Mul", "Div", "Cast"}  # between the scores' MatMul and the Softmax: scale, mask, casts


def scores_masks(m, g) -> list[str]:
    """The tensors added to the attention scores before each Softmax of the group (none when it has no mask);
    ValueError when a mask is computed from the data (a padding mask made from the tokens)."""
    made = {o: n for n in g.nodes for o in n.output}
    found = []
    for softmax in (n for n in g.nodes if n.op_type == "Softmax"):
        tensor = softmax.input[0]
        for _step in range(8):
            node = made.get(tensor)
            if node is None or node.op_type not in _ON_THE_WAY:
                break
            data = [i for i in node.input if i and i not in m.static]
            fixed = [i for i in node.input if i and i in m.static]
            if node.op_type == "Add" and fixed:
                found.append(fixed[0])
            if len(data) != 1:
                if node.op_type == "Add":
                    raise ValueError(_("its attention adds a mask computed from the data to the scores (a padding "
                                       "mask made from the tokens): the canvas's attention layers take no padding "
                                       "mask (every sequence has the Input's length)"))
                break
            tensor = data[0]
    return found


def _one_square(value: np.ndarray) -> np.ndarray | None:
    """(T, T) from a mask broadcast over batch and heads ((1, 1, T, T), (B*H, T, T)...), if every copy is equal."""
    value = np.asarray(value)
    if value.ndim < 2:
        return None
    copies = value.reshape(-1, *value.shape[-2:])
    if not all(np.array_equal(c, copies[0]) for c in copies[1:]):
        return None
    square = np.array(copies[0])
    if np.issubdtype(square.dtype, np.floating):  # dynamo writes -inf as the lowest float: softmax gives 0 alike
        square[square == np.finfo(square.dtype).min] = -np.inf
    return square


def is_causal(m, g) -> bool:
    """Whether the group's attention is causal: True when it adds the causal mask of its T steps, False when it
    adds no mask; ValueError, naming the mask, for any other mask (padding, triu(diagonal=2), learned)."""
    import torch

    from .fx_masks import is_causal_mask
    masks = scores_masks(m, g)
    if not masks:
        return False
    steps = (m.sample(g.sources[0]) or [None])[0]
    for name in masks:
        value = static_value(m, g, name)
        if value is None or steps is None:
            raise ValueError(_("its attention mask cannot be read cheaply enough to check that it is causal; export "
                               "it with a shorter example input"))
        square = _one_square(value)
        if square is None or not is_causal_mask(torch.from_numpy(square), steps):
            raise ValueError(_("its attention adds a mask to the scores that is not the causal mask of its {t} steps "
                               "(-inf above the diagonal, 0 elsewhere): a padding mask, a shifted triangle "
                               "(triu(..., diagonal=2)) or a learned mask has no catalogue layer; the canvas's "
                               "attention is either causal (is_causal) or sees every step").format(t=steps))
    return True
