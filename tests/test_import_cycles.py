"""No import circle among our modules: every import (also one inside a function) read with ast, resolved to the
module it loads, and the module graph must have no cycle (a lazy import that closes one only hides it)."""
import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("builder", "trainers", "export", "runs", "presets", "ui", "i18n")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "node_modules" not in path.parts:
                found[module_name(path)] = path
    return found


def _base(node: ast.ImportFrom, name: str, path: Path) -> str:
    if not node.level:
        return node.module or ""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _known(name: str, modules) -> str | None:
    """The module an import of `name` loads last: the longest prefix of it that is one of ours."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports(name: str, path: Path, modules) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base(node, name, path)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        out |= {m for m in (_known(t, modules) for t in targets) if m and m != name}
    return out


def module_graph() -> nx.DiGraph:
    modules = our_modules()
    g = nx.DiGraph()
    g.add_nodes_from(modules)
    for name, path in modules.items():
        g.add_edges_from((name, target) for target in imports(name, path, modules))
    return g


def test_no_import_cycle_among_our_modules():
    circles = [sorted(c) for c in nx.strongly_connected_components(module_graph()) if len(c) > 1]
    assert not circles, circles


def test_the_scan_sees_lazy_and_relative_imports(tmp_path):
    g = module_graph()
    assert g.has_edge("ui.views.inspector", "ui.state")  # from .. import state
    assert g.has_edge("builder.compile", "builder.checked_project")  # from .checked_project import ...
    assert g.has_edge("ui.views.canvas_pane", "ui.views.train_buttons")  # an import inside a function
    assert g.has_edge("app", "ui.views.canvas_pane")  # from ui.views import canvas_pane
