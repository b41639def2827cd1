"""No function both calls the gettext `_` and binds `_` as a throwaway name (that makes `_` local and breaks it)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("builder", "trainers", "export", "runs", "presets", "ui", "i18n")


def _shadowing(tree: ast.AST):
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        binds = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in ast.walk(fn))
        calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in ast.walk(fn))
        if binds and calls:
            yield fn.name, fn.lineno


def test_gettext_underscore_is_never_rebound_where_it_is_called():
    found = [f"{path.relative_to(ROOT)}:{line} {name}"
             for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
             for name, line in _shadowing(ast.parse(path.read_text(encoding="utf-8")))]
    assert not found, f"`_` bound as a throwaway name in a function that translates with _(): {found}"


def test_the_scan_finds_a_shadowing_function():
    tree = ast.parse("def f(xs):\n    for a, _ in xs:\n        pass\n    return _('text')\n")
    assert list(_shadowing(tree)) == [("f", 1)]
