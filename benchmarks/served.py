"""A Streamlit server for the benchmarks that writes one line per script run, parse and check it made.

    python benchmarks/served.py LOG app.py [streamlit run options]

The app itself holds no counting code: this wrapper replaces, in its own process before the app is imported,
the functions that parse a project and check a graph with copies that log each call, and times each
execution of the script (a full rerun or a fragment's). Each line of LOG is JSON:
{"t": unix time, "what": "parse" | "check" | "verify" | "run" | "canvas" | "live", ...}; a run (logged when it ends)
also has "kind" ("full" or "fragment"), "ms" (wall time) and "cpu_ms" (the script thread's CPU time); "canvas"
is the moment the script handed the canvas element to Streamlit ("bytes": its size), "live" the live
pictures' element. "verify" and
"fix_parse" are a check and a parse made inside the fixes pass (builder.fixes.with_fixes: proving the candidate
fixes of the problems shown), "check" and "parse" every other one (checks only when not served by a cache).
"""
from __future__ import annotations

import importlib
import json
import pathlib
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]

# (module, function, what a call is logged as): the doors every parse and every check goes through. A parse or a
# check made inside the fixes pass (proving the candidate fixes of the problems shown) is logged apart.
COUNTED = (("builder.project", "project_from_dict", lambda: "fix_parse" if _in_fixes() else "parse"),
           ("builder.checker", "run_check", lambda: "verify" if _in_fixes() else "check"))
VERIFIERS = (("builder.fixes", "with_fixes"), ("builder.fixes", "_verified"))
_verifying = threading.local()


def _in_fixes() -> bool:
    return getattr(_verifying, "depth", 0) > 0


class Log:
    """Appends JSON lines to one file from any thread."""

    def __init__(self, path: str):
        self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115  open for the server's whole life
        self.lock = threading.Lock()

    def write(self, **entry) -> None:
        line = json.dumps({"t": time.time(), **entry}) + "\n"
        with self.lock:
            self.file.write(line)
            self.file.flush()


def count_calls(log: Log) -> None:
    """Every loaded module's reference to a counted function now points at a copy that logs, then calls it."""
    for module_name, name, what in COUNTED:
        original = getattr(importlib.import_module(module_name), name)

        def counted(*args, _original=original, _what=what, **kwargs):
            log.write(what=_what())
            return _original(*args, **kwargs)

        _replace(name, original, counted)
    for module_name, name in VERIFIERS:
        verifier = getattr(importlib.import_module(module_name), name)

        def verifying(*args, _verifier=verifier, **kwargs):
            _verifying.depth = getattr(_verifying, "depth", 0) + 1
            try:
                return _verifier(*args, **kwargs)
            finally:
                _verifying.depth -= 1

        _replace(name, verifier, verifying)


def _replace(name: str, original, copy) -> None:
    for loaded in list(sys.modules.values()):
        if getattr(loaded, name, None) is original:
            setattr(loaded, name, copy)


def time_runs(log: Log) -> None:
    """Each execution of the script body (st.rerun() inside a run is a second execution) is logged."""
    from streamlit.runtime.scriptrunner import script_runner
    original = script_runner.exec_func_with_error_handling

    def timed(func, ctx):
        kind = "fragment" if ctx.fragment_ids_this_run else "full"
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            return original(func, ctx)
        finally:
            log.write(what="run", kind=kind, ms=1000 * (time.perf_counter() - t0),
                      cpu_ms=1000 * (time.thread_time() - c0))

    script_runner.exec_func_with_error_handling = timed


def note_canvas(log: Log) -> None:
    """The moment the script hands the canvas element to Streamlit's queue for the browser."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
    original = ScriptRunContext.enqueue

    def enqueue(self, msg):
        if (msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element"
                and msg.delta.new_element.WhichOneof("type") == "bidi_component"):
            component = msg.delta.new_element.bidi_component.component_name
            log.write(what="live" if "neurocanvas_live" in component else "canvas", bytes=msg.ByteSize())
        return original(self, msg)

    ScriptRunContext.enqueue = enqueue


def main(argv: list[str]) -> None:
    log_path, script, *options = argv
    sys.path.insert(0, str(REPO))
    log = Log(log_path)
    count_calls(log)
    time_runs(log)
    note_canvas(log)
    from streamlit.web import cli
    sys.argv = ["streamlit", "run", script, *options]
    cli.main()


def read(path: str | pathlib.Path, since: int = 0) -> tuple[list[dict], int]:
    """(entries written after byte offset `since`, the new offset)."""
    data = pathlib.Path(path).read_bytes()
    end = data.rfind(b"\n", since) + 1 if since < len(data) else since
    lines = data[since:end].decode("utf-8").splitlines() if end > since else []
    return [json.loads(line) for line in lines if line], max(end, since)


if __name__ == "__main__":
    main(sys.argv[1:])
