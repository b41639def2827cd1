"""The one error an import raises: it names what could not be mapped and where it is."""
from __future__ import annotations


class ImportProblem(ValueError):
    """A model that cannot become a project; `.where` is the module path or ONNX node name at fault."""

    def __init__(self, message: str, where: str | None = None):
        super().__init__(message)
        self.where = where
