"""Load test: K browser sessions train at once on one real server; how often does each page's loss chart redraw?

    .venv/bin/python benchmarks/bench_load.py [--k 4] [--refresh 0.5] [--window 20] [--epochs 3000] [--limit 420]

Starts `streamlit run app.py` (headless, a free port, its own NEUROCANVAS_DATA), opens K Playwright contexts
(own cookies, own workspace) in Debian's Chromium, presses Train on the page's starting network (the seed MLP
on digits) in each, then counts in every page at once how often the loss chart's last step changes over the
same window. Prints one line per page, the minimum and the load average; exits by itself within --limit
seconds, the server and the browser stopped whatever happens.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import signal
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.bench_app import LAST_STEP, open_app, set_epochs, stop  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, StreamlitServer  # noqa: E402

# Pages in other contexts are not focused: without these, Chromium slows their timers and the count would
# measure the browser's throttling, not the server.
UNTHROTTLED = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
               "--disable-backgrounding-occluded-windows"]

START_COUNTER = f"""() => {{ const last = {LAST_STEP}; window.__ncLoad = {{changes: [], prev: last()}};
    window.__ncLoadTimer = setInterval(() => {{ const now = last();
        if (now !== window.__ncLoad.prev) {{ window.__ncLoad.changes.push(performance.now()); window.__ncLoad.prev = now; }}
    }}, 15); }}"""
READ_COUNTER = "() => { clearInterval(window.__ncLoadTimer); return window.__ncLoad.changes; }"


class OutOfTime(Exception):
    pass


def _alarm(_signum, _frame):
    raise OutOfTime


def open_pages(browser, url: str, k: int) -> list:
    """K pages, each in its own context (own cookies, own Streamlit session), with the app opened."""
    pages = []
    for _i in range(k):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(60_000)
        page = context.new_page()
        open_app(page, url)
        pages.append(page)
    return pages


def training_pages(browser, url: str, k: int, epochs: int) -> list:
    """K pages in their own contexts, each with Train pressed and a first point on its loss chart."""
    pages = open_pages(browser, url, k)
    for page in pages:
        set_epochs(page, epochs)
    for page in pages:  # press Train in all of them, close together
        page.locator(".st-key-btn_train button").click()
    for page in pages:
        page.wait_for_function(f"({LAST_STEP})() > 0", polling=50, timeout=120_000)
    return pages


def refresh_rates(pages: list, window: float) -> list[float]:
    """Chart changes per second on every page, counted in the pages themselves over the same window."""
    for page in pages:
        page.evaluate(START_COUNTER)
    time.sleep(window)
    return [len(page.evaluate(READ_COUNTER)) / window for page in pages]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, default=4, help="browser sessions training at once")
    ap.add_argument("--refresh", type=float, default=0.5, help="dashboard polling period in s (the app's default: 1)")
    ap.add_argument("--window", type=float, default=20.0, help="seconds over which the redraws are counted")
    ap.add_argument("--epochs", type=int, default=3000, help="enough that no run finishes inside the window")
    ap.add_argument("--limit", type=int, default=420, help="the whole benchmark stops after this many seconds")
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(args.limit)
    # K workers: the pool is sized to the cores by default, and on 2 cores pages 3 and 4 would only queue
    server = StreamlitServer(REPO / "app.py", env={"NEUROCANVAS_DATA": tempfile.mkdtemp(prefix="nc_load_"),
                                                   "NEUROCANVAS_REFRESH_S": str(args.refresh),
                                                   "NEUROCANVAS_WORKERS": str(args.k)})
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + UNTHROTTLED)
            try:
                warm = browser.new_page()
                open_app(warm, server.url)  # the first page imports torch and starts the worker pool
                warm.close()
                pages = training_pages(browser, server.url, args.k, args.epochs)
                load = os.getloadavg()[0]
                rates = refresh_rates(pages, args.window)
                for page in pages:
                    stop(page)
            finally:
                browser.close()
    except OutOfTime:
        print(f"bench_load: stopped after the {args.limit} s limit", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        server.stop()
    for i, hz in enumerate(rates):
        print(f"page {i + 1}: loss chart refresh {hz:.2f} Hz over {args.window:.0f} s")
    print(f"K={args.k} sessions training at once, polling every {args.refresh} s: min {min(rates):.2f} Hz, mean {sum(rates) / len(rates):.2f} Hz "
          f"(target >= 1 Hz each); load average {load:.1f} on {os.cpu_count()} cores")
    return 0 if min(rates) >= 1.0 else 2


if __name__ == "__main__":
    sys.exit(main())
