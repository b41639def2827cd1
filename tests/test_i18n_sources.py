"""No text a person reads is written outside the message catalogue: ui/ and app.py scanned with ast."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Streamlit calls whose first argument or these keywords are read by a person.
TEXT_CALLS = {"markdown", "caption", "write", "info", "warning", "error", "success", "toast", "button", "header",
              "subheader", "title", "text", "metric", "expander", "tabs", "selectbox", "radio", "checkbox", "toggle",
              "number_input", "text_input", "text_area", "slider", "select_slider", "multiselect", "segmented_control",
              "pills", "download_button", "file_uploader", "popover", "form_submit_button", "link_button",
              "exception", "status", "spinner", "progress", "latex", "_pick", "empty", "layout"}
TEXT_KEYWORDS = {"label", "help", "placeholder", "title", "text", "name", "xaxis_title", "yaxis_title"}
WORD = re.compile(r"[A-Za-z]{2,}")
# Literals that are read but are not prose: product and torch names, units, Markdown/icon syntax.
ALLOWED = {"NeuroCanvas", "neurocanvas-runs", "Language / 语言", "CSV", "JSON", "ONNX", "PyTorch", "GPU", "CPU", "lr", "MiB", "KiB"}


def _prose(node) -> str | None:
    """The English words in a string literal or an f-string's literal parts, or None if it holds none."""
    if isinstance(node, ast.IfExp):
        return _prose(node.body) or _prose(node.orelse)
    if isinstance(node, ast.BinOp):
        return _prose(node.left) or _prose(node.right)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        parts = [node.value]
    elif isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
    else:
        return None
    text = re.sub(r":material/[a-z_]+:|\*\*|`[^`]*`|https?://\S+", " ", "".join(parts))
    words = [w for w in WORD.findall(text) if w not in ALLOWED]
    return " ".join(words) if words and "".join(parts) not in ALLOWED else None


def _read_args(call: ast.Call):
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    args = call.args[1:2] if name == "flash" else []  # state.flash(kind, text)
    if name in TEXT_CALLS and call.args:
        first = call.args[0]
        args += first.elts if isinstance(first, (ast.List, ast.Tuple)) else [first]
    args += [k.value for k in call.keywords if k.arg in TEXT_KEYWORDS]
    return args


def unwrapped(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            for arg in _read_args(node):
                if _prose(arg):
                    found.append(f"{path.relative_to(ROOT)}:{arg.lineno}: {ast.unparse(arg)[:80]}")
    return found


def ui_sources() -> list[Path]:
    return [ROOT / "app.py"] + sorted(p for p in (ROOT / "ui").rglob("*.py") if "node_modules" not in p.parts)


def test_every_text_a_person_reads_goes_through_the_catalogue():
    found = [line for path in ui_sources() for line in unwrapped(path)]
    assert not found, "texts written outside _():\n" + "\n".join(found)


def test_the_scanner_finds_a_bare_label_and_accepts_a_wrapped_one(tmp_path):
    bad = tmp_path / "view.py"
    bad.write_text('import streamlit as st\nst.button("Train now")\nst.caption(f"Step {n} of the run")\n'
                   'st.button(_("Train"))\nst.markdown(f"**{x}**")\nst.tabs([_("Code"), "Loss curve"])\n')
    assert [line.split(": ", 1)[1] for line in [f.replace(str(tmp_path) + "/", "") for f in _scan(bad)]] == [
        "'Train now'", "f'Step {n} of the run'", "'Loss curve'"]


def _scan(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            found += [f"{arg.lineno}: {ast.unparse(arg)}" for arg in _read_args(node) if _prose(arg)]
    return found


def test_no_module_that_translates_rebinds_the_underscore():
    """`x, _ = ...` in a function makes `_` local there: every `_()` in that function then fails."""
    found = []
    for path in ui_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not any(isinstance(n, ast.ImportFrom) and n.module == "i18n" and any(a.name == "_" for a in n.names)
                   for n in tree.body):
            continue
        found += [f"{path.relative_to(ROOT)}:{n.lineno}" for n in _outside_comprehensions(tree)
                  if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)]
    assert not found, "`_` rebound where it translates: " + ", ".join(found)


def _outside_comprehensions(node):
    """Every node, skipping comprehensions: their loop variables live in their own scope."""
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            yield child
            yield from _outside_comprehensions(child)
