"""Who may import whom: builder/ and trainers/ never import export, runs, ui or streamlit; export never imports
ui, runs or streamlit; builder/ hands `python -m builder export` over without importing export."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"builder": {"export", "runs", "ui", "streamlit", "share"},
             "trainers": {"export", "runs", "ui", "streamlit", "share"},
             "export": {"runs", "ui", "streamlit", "share"}}


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", list(FORBIDDEN))
def test_imports_point_down_only(package):
    bad = {str(p.relative_to(ROOT)): sorted(_imported(p) & FORBIDDEN[package])
           for p in (ROOT / package).rglob("*.py")}
    assert {k: v for k, v in bad.items() if v} == {}
