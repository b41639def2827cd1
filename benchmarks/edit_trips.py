"""Canvas edit round trips in Chromium, timed in the page and split into their parts.

An inspector edit (out_features → the node's new shape drawn) and a delete on the canvas (→ the error drawn on
the node that lost its input), on an n-node residual MLP. Each trip is timed on the page's own clock from the
key press to the frame after the DOM showed the result, and split with the canvas's probe marks
(ui/canvas/frontend/src/probe.js): the browser until the canvas sent its edit, the server and Streamlit until the
new data reached the canvas, React Flow's render until the DOM showed it, and the paint. The server's log
(benchmarks/served.py) gives the script runs, parses and checks of each trip.
"""
from __future__ import annotations

import dataclasses
import json
import pathlib
import statistics
import tempfile

from benchmarks import served
from tests.e2e.conftest import HOST, _wait_idle

# Arms the probe and a watcher that notes when `test` first holds for the canvas's DOM, then the frame after.
ARM = """([selector, want]) => {
    const probe = window.__ncProbe = {marks: [], renders: {}, key: null, dom: null, painted: null};
    const holds = () => [...document.querySelectorAll('%s')].some(h => [...(h.shadowRoot || h)
        .querySelectorAll(selector)].some(e => want === null || e.textContent.trim() === want));
    const seen = () => {
        if (probe.dom !== null || !holds()) return;
        probe.dom = performance.now();
        observer.disconnect();
        requestAnimationFrame(() => { const ch = new MessageChannel();
            ch.port1.onmessage = () => { probe.painted = performance.now(); }; ch.port2.postMessage(0); });
    };
    const observer = new MutationObserver(seen);
    for (const h of document.querySelectorAll('%s'))
        observer.observe(h.shadowRoot || h, {subtree: true, childList: true, characterData: true, attributes: true});
    window.addEventListener('keydown', (e) => { if (probe.key === null) probe.key = e.timeStamp; },
                            {capture: true, once: true});
}""" % (HOST, HOST)
EPOCH = "() => performance.timeOrigin"


@dataclasses.dataclass
class Trip:
    """One round trip, in ms on the page's clock, with what the server did for it."""

    total: float  # key press → the frame after the result was in the DOM
    browser: float | None  # key press → the canvas sent its edit (None: a Streamlit widget sent it)
    to_script: float  # sent → the script's run began (Streamlit's frontend, websocket, the server's queue)
    to_canvas: float  # the run began → it handed the canvas element over (the page above the canvas)
    delivery: float  # → the canvas got its new data (transport and Streamlit's frontend)
    react: float  # the new data reached the canvas → the DOM showed the result
    paint: float  # → the next frame
    script_ms: float  # the script runs that ended before the result was drawn, summed (server wall time)
    runs: int  # script runs from the key press until the page was idle again
    parses: int
    checks: int  # checks of a graph (a fix's own verification counted apart)
    verifies: int
    fix_parses: int  # parses made while proving the candidate fixes of the problems shown
    rendered: int  # node faces React rendered during the trip
    nodes: int
    canvas_kb: float  # size of the canvas element the server sent


PARTS = (("browser until sent", "browser"), ("to the script", "to_script"), ("script until canvas", "to_canvas"),
         ("delivery", "delivery"), ("React Flow render", "react"), ("paint", "paint"))


def big_project(n: int = 60) -> dict:
    """A residual MLP of n nodes (Linear/ReLU, an Add every 7th node), laid out by the canvas."""
    from tests.graph_factory import residual_chain
    from ui.canvas import auto_layout
    return {"format": "neurocanvas/1", "name": f"Residual {n}", "description": "",
            "graph": auto_layout(residual_chain(n)), "training": {"dataset": "digits", "epochs": 1}}


def open_project(page, project: dict) -> None:
    path = pathlib.Path(tempfile.mkdtemp()) / "big.json"
    path.write_text(json.dumps(project))
    page.locator('.st-key-upload_project input[type="file"]').set_input_files(str(path))
    last = project["graph"]["nodes"][-1]["id"]
    page.locator(f'{HOST} .react-flow__node[data-id="{last}"]').wait_for(timeout=60_000)
    _wait_idle(page)


def _trip(page, log: str, act, selector: str, want: str | None, nodes: int) -> Trip:
    _wait_idle(page)
    _entries, offset = served.read(log)
    page.evaluate(ARM, [selector, want])
    act()
    page.wait_for_function("() => window.__ncProbe.painted !== null", polling=20, timeout=30_000)
    probe = page.evaluate("() => window.__ncProbe")
    _wait_idle(page)
    origin = page.evaluate(EPOCH)  # the page's clock zero, in unix ms
    entries, _ = served.read(log, offset)
    return _parts(probe, [{**e, "t": 1000 * e["t"] - origin} for e in entries], nodes)


def _parts(probe: dict, entries: list[dict], nodes: int) -> Trip:
    """The trip's parts; `entries` are the server log's, their times moved onto the page's clock (ms)."""
    key, dom, painted = probe["key"], probe["dom"], probe["painted"]
    sent = [t for name, t in probe["marks"] if name == "send" and t >= key]
    arrived = [t for name, t in probe["marks"] if name == "data" and key <= t <= dom]
    start = sent[0] if sent else key
    data_at = arrived[-1] if arrived else start
    runs = [e for e in entries if e["what"] == "run"]
    began = min((e["t"] - e["ms"] for e in runs), default=start)
    canvas = [e for e in entries if e["what"] == "canvas" and e["t"] <= data_at] or [{"t": began, "bytes": 0}]
    count = lambda what: sum(e["what"] == what for e in entries)  # noqa: E731
    return Trip(total=painted - key, browser=(start - key) if sent else None, to_script=began - start,
                to_canvas=canvas[-1]["t"] - began, delivery=data_at - canvas[-1]["t"], react=dom - data_at,
                paint=painted - dom, script_ms=sum(e["ms"] for e in runs if e["t"] <= painted), runs=len(runs),
                parses=count("parse"), checks=count("check"), verifies=count("verify"), fix_parses=count("fix_parse"),
                rendered=len(probe["renders"]), nodes=nodes, canvas_kb=canvas[-1]["bytes"] / 1000)


def inspector_edits(page, log: str, project: dict, rounds: int) -> list[Trip]:
    """Select linear1, type a new out_features and press Enter: until its new shape is drawn."""
    root = page.locator(f'{HOST} [data-testid="nc-root"]')
    trips = []
    for k in range(rounds):
        root.locator('.react-flow__node[data-id="linear1"] .nc-head').click()
        _wait_idle(page)
        box = page.locator(".st-key-inspector").get_by_label("out_features", exact=True).and_(page.locator("input"))
        box.fill(str(70 + k))
        trips.append(_trip(page, log, lambda: box.press("Enter"),
                           '.react-flow__node[data-id="linear1"] [data-testid="nc-shape"]', f"→ [{70 + k}]",
                           len(project["graph"]["nodes"])))
    return trips


def deletes(page, log: str, project: dict, rounds: int) -> list[Trip]:
    """Delete a ReLU of the chain on the canvas: until the node after it shows its error (a missing input)."""
    root = page.locator(f'{HOST} [data-testid="nc-root"]')
    edges = project["graph"]["edges"]
    relus = [n["id"] for n in project["graph"]["nodes"] if n["type"] == "ReLU"]
    trips, count = [], len(project["graph"]["nodes"])
    for victim in relus[:rounds]:
        after = next(e["target"] for e in edges if e["source"] == victim)
        root.locator(f'.react-flow__node[data-id="{victim}"] .nc-head').click()
        # Delete at once: the selection's rerun redraws the inspector, which takes the keyboard focus.
        trips.append(_trip(page, log, lambda: page.keyboard.press("Delete"),
                           f'.react-flow__node[data-id="{after}"] [data-testid="nc-error"]', None, count))
        count -= 1
    return trips


def round_trips(browser, url: str, log: str, n: int, rounds: int) -> tuple[list[Trip], list[Trip]]:
    """(inspector edits, deletes) on a fresh page holding an n-node project."""
    from benchmarks.bench_app import open_app
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_app(page, url)
    project = big_project(n)
    open_project(page, project)
    try:
        return inspector_edits(page, log, project, rounds), deletes(page, log, project, rounds)
    finally:
        page.close()


def median(trips: list[Trip], field: str) -> float | None:
    values = [getattr(t, field) for t in trips if getattr(t, field) is not None]
    return statistics.median(values) if values else None


def describe(name: str, trips: list[Trip], target_ms: float) -> list[str]:
    """Lines for one kind of trip: the median against its target, every run, the parts and the server's work."""
    if not trips:
        return [f"{name}: no trip measured"]
    total = median(trips, "total")
    verdict = "met" if total < target_ms else "NOT MET"
    parts = ", ".join(f"{label} {median(trips, f):.0f}" for label, f in PARTS if median(trips, f) is not None)
    return [
        f"{name}: median {total:.0f} ms (target < {target_ms:.0f} ms: {verdict}); runs "
        + ", ".join(f"{t.total:.0f}" for t in trips),
        f"    parts (medians, ms): {parts}; script runs before drawn {median(trips, 'script_ms'):.0f} ms "
        f"(runs per edit {statistics.median(t.runs for t in trips):.0f}); canvas element "
        f"{median(trips, 'canvas_kb'):.0f} KB",
        f"    per edit: {statistics.median(t.parses for t in trips):.0f} parse(s), "
        f"{statistics.median(t.checks for t in trips):.0f} check(s) (target 1 and 1), "
        f"and for the fixes offered {statistics.median(t.fix_parses for t in trips):.0f} parse(s) and "
        f"{statistics.median(t.verifies for t in trips):.0f} check(s); node faces re-rendered "
        f"{statistics.median(t.rendered for t in trips):.0f} of {trips[0].nodes}",
    ]
