"""A picture-zip upload on the page (AppTest): how long the page's script thread is busy and the process's total CPU.

    python benchmarks/bench_picture_zip.py [--n 40] [--side 4096] [--small 3]

Zips of blank side×side PNGs (40 of 4096² make 14 KB and 671 million pixels): the upload, then a new picture size.
"script" is the wall time of the page run that handles it (the page's script thread is busy, and what its person
waits for before the page answers); "ready" is the wall time until the preview has settled (pictures shown, or a
refusal), the page polled every 0.5 s as its fragment does (AppTest reruns the whole page: "polls" counts them);
"cpu" is the process's user+system CPU until then (decoding beside the page and the polls included).
"""
import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("NEUROCANVAS_DATA", tempfile.mkdtemp(prefix="nc-bench-pictures-"))

from picture_zips import blank_zip, cnn_project  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def settled(at) -> bool:
    """The preview shows pictures, a refusal or a decoding problem (not "decoding…")."""
    shown = " ".join(str(e.value) for kind in ("markdown", "error", "caption") for e in at.get(kind))
    return ("pictures ·" in shown or "picture zip:" in shown or "not changed" in shown) and not at.get("progress")


def step(at, name: str, act) -> None:
    c0, t0 = cpu(), time.perf_counter()
    act()
    script, polls = time.perf_counter() - t0, 0
    while not settled(at) and time.perf_counter() - t0 < 600:
        time.sleep(0.5)
        at.run()
        polls += 1
    print(f"{name}: script {script:.2f} s, ready {time.perf_counter() - t0:.2f} s ({polls} polls), "
          f"cpu {cpu() - c0:.2f} s")


def measure(zip_bytes: bytes, label: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    at.session_state["project"] = cnn_project()
    at.session_state["main_tab"] = "Train"
    at.run()
    uploader = next(u for u in at.file_uploader if u.label == "Pictures (.zip)")
    step(at, f"{label}: upload", lambda: uploader.set_value(("pictures.zip", zip_bytes, "application/zip")).run())
    size = next((n for n in at.number_input if n.label == "Picture size (px)"), None)
    if size is not None:
        step(at, f"{label}: size 24", lambda: size.set_value(24).run())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--side", type=int, default=4096)
    ap.add_argument("--small", type=int, default=3, help="pictures in a zip within the decoding budget")
    args = ap.parse_args()
    big = blank_zip(args.n, args.side)
    measure(big, f"{args.n} blank {args.side}² PNGs ({len(big) / 1000:.0f} KB)")
    small = blank_zip(args.small, args.side)
    measure(small, f"{args.small} blank {args.side}² PNGs ({len(small) / 1000:.0f} KB)")


if __name__ == "__main__":
    main()
