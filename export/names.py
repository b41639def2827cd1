"""The names an export gives: a project's class name, the file stem of its script, free text made safe in code."""
from __future__ import annotations

import re

from builder import layers


def text(value, limit: int = 200) -> str:
    """Free text (names, ids) made safe for a comment or docstring: one line, no quotes that end it."""
    s = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", " ", str(value)).replace("\\", "/").replace('"""', "'''")
    return s if len(s) <= limit else s[: limit - 1] + "…"


_SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "on", "in", "to", "with", "vs", "its", "who", "for", "by"}


def class_name(project_name: str) -> str:
    """'SimpleNet on digits' -> 'SimpleNetOnDigits': the title before any ':', at most four words."""
    words = re.findall(r"[A-Za-z0-9]+", (project_name or "").split(":")[0])
    if len(words) > 4:
        words = [w for w in words if w.lower() not in _SMALL_WORDS] or words
    name = "".join(w[:1].upper() + w[1:] for w in words[:4])
    if not name or name[0].isdigit():
        name = "Model" + name
    if name in vars(layers) or name == "Tensor" or not name.isidentifier():
        name += "Model"
    return name


def file_stem(cls: str) -> str:
    """'LeNetStyleCNN' -> 'le_net_style_cnn': the file name of a class's script, weights and ONNX."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cls).lower()
