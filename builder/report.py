"""What `check` finds: per-node shapes and parameter counts, memory, and problems keyed by node id."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from i18n import Message, text


@dataclass(frozen=True)
class Problem:
    node: str | None  # the node id it concerns (None: the whole project)
    text: str | Message  # English msgid and its arguments; reads after "<node>: "
    field: str | None = None  # the parameter or key, when one is at fault
    fixes: tuple = ()  # builder.fixes.Fix edits that cure it, offered as "Fix: ..." buttons (see builder.fixes)
    rule: str | None = None  # which check or agreement rule found it ("input_size", "output"...): its fixes' key

    @property
    def message(self) -> str:
        """In the reader's language: a report cached by graph is shared by people in different languages."""
        return text(self.text)

    def __str__(self) -> str:
        return f"{self.node}: {self.message}" if self.node else self.message

    def to_dict(self) -> dict:
        return {"node": self.node, "field": self.field, "message": self.message,
                "fixes": [f.to_dict() for f in self.fixes]}


@dataclass
class Report:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    shapes: dict[str, tuple] = field(default_factory=dict)  # node id -> output shape (no batch axis)
    dtypes: dict[str, str] = field(default_factory=dict)  # node id -> "float" | "long"
    param_counts: dict[str, int] = field(default_factory=dict)  # trainable parameters per node
    params: dict[str, dict] = field(default_factory=dict)  # node id -> validated params, defaults filled
    inputs: dict[str, list] = field(default_factory=dict)  # node id -> its input node ids, in port order
    order: list[str] = field(default_factory=list)  # topological order
    input_node: str | None = None
    output_node: str | None = None
    memory: dict = field(default_factory=lambda: {"params_bytes": 0, "activation_bytes_per_sample": 0})

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total_params(self) -> int:
        return sum(self.param_counts.values())

    def error(self, node, message, field=None, rule=None):
        """`message`: an English msgid, or N_(msgid, **args) rendered in the reader's language when read."""
        self.errors.append(Problem(node, message, field, rule=rule))

    def warn(self, node, message, field=None, rule=None):
        self.warnings.append(Problem(node, message, field, rule=rule))

    def copy(self) -> "Report":
        """A copy whose lists and dicts are its own; the values in them (tuples, strings, numbers) are shared."""
        return replace(self, errors=list(self.errors), warnings=list(self.warnings), shapes=dict(self.shapes),
                       dtypes=dict(self.dtypes), param_counts=dict(self.param_counts),
                       params={k: dict(v) for k, v in self.params.items()},
                       inputs={k: list(v) for k, v in self.inputs.items()}, order=list(self.order),
                       memory=dict(self.memory))

    def problems_for(self, node_id: str) -> list[Problem]:
        return [p for p in self.errors if p.node == node_id]

    def to_dict(self) -> dict:
        return {"ok": self.ok, "errors": [p.to_dict() for p in self.errors],
                "warnings": [p.to_dict() for p in self.warnings],
                "shapes": {k: list(v) for k, v in self.shapes.items()}, "dtypes": dict(self.dtypes),
                "param_counts": dict(self.param_counts), "total_params": self.total_params,
                "memory": dict(self.memory), "order": list(self.order),
                "input_node": self.input_node, "output_node": self.output_node}
