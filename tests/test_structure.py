"""The house rules, read from the source with ast: what runs/ and ui/ import, file and function sizes, session writes."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", "node_modules", ".git", "tests", "__pycache__", "data", "artifacts"}
MAX_FILE_LINES, MAX_FUNCTION_LINES = 300, 60

# Packages below may not import the ones named (nor anything under them); builder/, trainers/ and export/
# are held to theirs by tests/test_import_direction.py.
FORBIDDEN = {
    "runs": {"ui", "streamlit"},
    "ui": {"sqlite3", "threading", "multiprocessing", "concurrent", "_thread"},
}


def python_files(under: str = "") -> list[Path]:
    base = ROOT / under if under else ROOT
    return sorted(p for p in base.rglob("*.py") if not SKIP & set(p.relative_to(ROOT).parts))


def imported(tree: ast.AST) -> set[str]:
    """Top-level package of every import, relative ones excluded (they stay inside the package)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module.split(".")[0])
    return out


def test_the_tree_scan_sees_the_packages():
    found = {p.relative_to(ROOT).parts[0] for p in python_files()}
    assert {"builder", "trainers", "ui", "app.py"} <= found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_only_go_down(package):
    bad = []
    for path in python_files(package):
        rel = path.relative_to(ROOT).as_posix()
        hits = imported(ast.parse(path.read_text(encoding="utf-8"))) & FORBIDDEN[package]
        bad += [f"{rel} imports {name}" for name in sorted(hits)]
    assert not bad, bad


def test_the_import_scan_catches_what_it_should():
    tree = ast.parse("import threading\nfrom sqlite3 import connect\nfrom . import state\nimport streamlit.components")
    assert imported(tree) == {"threading", "sqlite3", "streamlit"}


def test_no_file_over_300_lines_and_no_function_over_60():
    long_files, long_functions = [], []
    for path in python_files():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        if len(text.splitlines()) > MAX_FILE_LINES:
            long_files.append(f"{rel}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{rel}:{node.lineno} {node.name}(): {length} lines")
    assert not long_files and not long_functions, long_files + long_functions


def session_writes(tree: ast.AST) -> list[int]:
    """Lines that assign, delete or mutate a key of st.session_state (reads are fine)."""
    def is_state(node) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "session_state"

    lines = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for t in targets:
            for part in ast.walk(t):
                if isinstance(part, (ast.Subscript, ast.Attribute)) and is_state(getattr(part, "value", None)):
                    lines.append(node.lineno)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_state(node.func.value)
                and node.func.attr in ("pop", "setdefault", "update", "clear", "popitem", "__setitem__")):
            lines.append(node.lineno)
    return sorted(lines)


def test_every_session_state_write_is_in_ui_state():
    bad = [f"{p.relative_to(ROOT).as_posix()}:{line}" for p in python_files("ui") + [ROOT / "app.py"]
           if p.name != "state.py" or p.parent.name != "ui"
           for line in session_writes(ast.parse(p.read_text(encoding="utf-8")))]
    assert not bad, bad


def test_the_session_write_scan_catches_what_it_should():
    code = ("st.session_state['a'] = 1\nst.session_state.b = 2\nx = st.session_state['c']\n"
            "del st.session_state['d']\nst.session_state.pop('e')\nst.session_state[k] += 1\n")
    assert session_writes(ast.parse(code)) == [1, 2, 4, 5, 6]


def test_no_function_hides_the_gettext_underscore():
    """`for _, x in ...` or `a, _ = ...` in a function that also calls _("...") makes _ a local: the text fails."""
    bad = []
    for path in python_files():
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            names = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == "_"]
            if any(isinstance(n.ctx, ast.Store) for n in names) and any(isinstance(n.ctx, ast.Load) for n in names):
                bad.append(f"{path.relative_to(ROOT).as_posix()}:{fn.lineno} {fn.name}()")
    assert not bad, bad
