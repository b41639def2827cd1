"""One rule for node ids: a safe Python identifier, NFKC-stable, distinct, and no name the module needs."""
from __future__ import annotations

import functools
import unicodedata

from i18n import N_

from .limits import current


@functools.lru_cache(maxsize=1)
def reserved() -> frozenset:
    """Names every nn.Module needs (forward, training, state_dict, _modules...) and the extras build_model sets.

    GraphModule's own additions (code, graph, meta) stay allowed: compile renames them (code -> code_) the
    same way in the model, its weights and the exported script, and a bottleneck called `code` is natural.
    """
    from torch import nn  # torch is imported by check anyway; kept lazy so ids stays cheap to import
    return frozenset(set(dir(nn.Module)) | set(vars(nn.Module())) | {"node_modules", "input_dtype", "output_node"})


def why_refused(node_id: str, limit: int | None = None):
    """Why `node_id` cannot name a node (a Message, read in the reader's language), or None when it can.

    limit: the longest id allowed (builder.limits; read from the environment when not given)."""
    limit = current().node_id_chars if limit is None else limit
    if len(node_id) > limit:
        return N_("is {n} characters long, above the limit of {limit}", n=len(node_id), limit=limit)
    folded = unicodedata.normalize("NFKC", node_id)
    if folded != node_id:
        # Python reads identifiers in NFKC: the exported script would name another attribute than the model
        return N_("reads as \"{folded}\" in Python (NFKC): write it that way", folded=folded)
    if not node_id.isidentifier():
        return N_("is not a Python identifier: use letters, digits and _, not starting with a digit")
    if node_id.startswith("__"):
        return N_("starts with \"__\", which Python mangles or keeps for itself")
    if node_id in reserved():
        return N_("is a name the PyTorch module itself needs (\"{name}\"): pick another", name=node_id)
    return None


def check_ids(nodes, report) -> None:
    """Add one error per refused id to `report`, naming the id and why; duplicates are check's own rule."""
    limit = current().node_id_chars  # once per check: the limits are read from the environment
    for node in nodes:
        why = why_refused(node.id, limit)
        if why:
            report.error(node.id, N_("node id \"{id}\" {why}", id=node.id[:80], why=why), "id")
