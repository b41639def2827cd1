"""Benchmark the app in a real server and headless Chromium: Train → first point, refresh rate, training
slowdown from the dashboard, and the canvas edit round trips at 60 and 200 nodes (benchmarks/edit_trips.py),
with the server's script time, parses and checks per edit. Prints each figure beside its target.

    .venv/bin/python benchmarks/bench_app.py [--refresh 0.5] [--rounds 3] [--nodes 60,200] [--only-canvas]
"""
from __future__ import annotations

import argparse
import os
import pathlib
import re
import statistics
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks import edit_trips  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, HOST, StreamlitServer, _wait_idle  # noqa: E402

LAST_STEP = """() => Math.max(0, ...[...document.querySelectorAll('.st-key-chart_loss .js-plotly-plot')].map(el => {
    const t = (el.data || []).find(t => t.name === 'train loss (per step)');
    return t && t.x.length ? t.x[t.x.length - 1] : 0; }))"""


def open_app(page, url: str) -> None:
    page.goto(url)
    page.locator(f'{HOST} [data-testid="nc-root"]').wait_for(timeout=180_000)
    _wait_idle(page, timeout=180)


def view(page, name: str) -> None:
    page.locator(".st-key-main_tab button").filter(has_text=re.compile(f"^{name}$")).click()
    _wait_idle(page)


def set_epochs(page, epochs: int) -> None:
    view(page, "Train")
    box = page.get_by_label("Epochs", exact=True).and_(page.locator("input"))
    box.fill(str(epochs))
    box.press("Enter")
    _wait_idle(page)
    view(page, "Dashboard")


def progress_step(page) -> int:
    text = page.locator('[data-testid="stProgress"]').inner_text()
    return int(re.search(r"step ([\d,]+)/", text).group(1).replace(",", ""))


def stop(page) -> None:
    page.locator(".st-key-btn_stop button").click()
    _wait_idle(page)


def train_to_first_point(browser, url: str) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_app(page, url)
    set_epochs(page, 3000)
    t0 = time.perf_counter()
    page.locator(".st-key-btn_train button").click()
    page.wait_for_function(f"({LAST_STEP})() > 0", polling=20, timeout=60_000)
    took = time.perf_counter() - t0
    stop(page)
    page.close()
    return took


def refresh_rate(page, seconds: float = 10.0) -> tuple[float, float]:
    """(updates per second, p90 gap in s) of the loss chart as the browser sees it."""
    gaps = page.evaluate(f"""async () => {{
        const last = {LAST_STEP}; const times = []; let prev = last(); const end = performance.now() + {seconds * 1000};
        while (performance.now() < end) {{
            await new Promise(r => setTimeout(r, 15));
            const now = last(); if (now !== prev) {{ times.push(performance.now()); prev = now; }}
        }}
        return times.slice(1).map((t, i) => (t - times[i]) / 1000); }}""")
    if not gaps:
        return 0.0, float("inf")
    return 1 / statistics.mean(gaps), sorted(gaps)[int(0.9 * (len(gaps) - 1))]


def slowdown(page, rounds: int, seconds: float = 8.0) -> tuple[float, float]:
    """Steps/s with the dashboard polling vs the same run with the dashboard not drawn, interleaved."""
    watched, hidden = [], []
    for _ in range(rounds):
        s0, t0 = progress_step(page), time.perf_counter()
        page.wait_for_timeout(seconds * 1000)
        s1, t1 = progress_step(page), time.perf_counter()
        watched.append((s1 - s0) / (t1 - t0))
        view(page, "Code")  # the dashboard fragment is not drawn: no polling
        page.wait_for_timeout(seconds * 1000)
        view(page, "Dashboard")
        s2, t2 = progress_step(page), time.perf_counter()
        hidden.append((s2 - s1) / (t2 - t1))
    return statistics.median(watched), statistics.median(hidden)


TARGETS_MS = {60: (250, 250), 200: (400, 400)}  # nodes: (inspector edit, delete) round trip medians, issue 19


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refresh", type=float, default=0.5, help="dashboard refresh period in seconds")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--nodes", default="60,200", help="graph sizes of the canvas round trips")
    ap.add_argument("--skip-canvas", action="store_true", help="only the training figures")
    ap.add_argument("--only-canvas", action="store_true", help="only the canvas round trips")
    args = ap.parse_args()
    log = tempfile.NamedTemporaryFile(prefix="nc_bench_", suffix=".jsonl", delete=False).name
    env = {"NEUROCANVAS_DATA": tempfile.mkdtemp(prefix="nc_bench_"), "NEUROCANVAS_REFRESH_S": str(args.refresh)}
    server = StreamlitServer(REPO / "app.py", env=env, launcher=(str(REPO / "benchmarks" / "served.py"), log))
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            warm = browser.new_page()
            open_app(warm, server.url)  # the first page imports torch and friends: not part of the figures
            warm.close()
            if not args.only_canvas:
                training_figures(browser, server.url, args)
            if not args.skip_canvas:
                for n in (int(v) for v in args.nodes.split(",")):
                    edits, deletes = edit_trips.round_trips(browser, server.url, log, n, args.rounds)
                    edit_target, delete_target = TARGETS_MS.get(n, TARGETS_MS[200])
                    print("\n".join(edit_trips.describe(f"{n} nodes, inspector edit -> new shape drawn", edits,
                                                         edit_target)))
                    print("\n".join(edit_trips.describe(f"{n} nodes, delete on the canvas -> error drawn", deletes,
                                                         delete_target)))
            browser.close()
    finally:
        server.stop()
        os.unlink(log)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def training_figures(browser, url: str, args) -> None:
    firsts = [train_to_first_point(browser, url) for _ in range(args.rounds)]
    print(f"click Train -> first point on the loss curve: median {statistics.median(firsts):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in firsts)}; target < 1 s)")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_app(page, url)
    set_epochs(page, 5000)
    page.locator(".st-key-btn_train button").click()
    page.wait_for_function(f"({LAST_STEP})() > 0", polling=50, timeout=60_000)
    hz, p90 = refresh_rate(page)
    print(f"loss chart refresh while training (period {args.refresh} s): {hz:.2f} Hz, p90 gap {p90:.2f} s "
          f"(target >= 2 Hz)")
    watched, hidden = slowdown(page, args.rounds)
    print(f"training speed: {watched:,.0f} steps/s with the dashboard polling vs {hidden:,.0f} steps/s with it "
          f"hidden -> slowdown {100 * (1 - watched / hidden):.1f}% (target < 10%)")
    stop(page)
    page.close()


if __name__ == "__main__":
    main()
