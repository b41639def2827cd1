"""Helpers of the browser tests: a page in a context of its own (own cookies, own workspace), and waiting for a
condition on the page's own clock, with a screenshot and the reason on a timeout."""
from __future__ import annotations

import pathlib
import re
import time

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "artifacts"


def own_page(browser, viewport: dict | None = None):
    """(context, page): a new browser context, as a second person on another laptop would have."""
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    return context, context.new_page()


def wait_for(page, cond, timeout: float = 60.0, what: str = "condition", detail=None) -> None:
    """Return once cond() holds; else save artifacts/failed-<what>.png and fail naming `what` (and detail())."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        page.wait_for_timeout(200)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"failed-{re.sub(r'[^a-z0-9]+', '-', what.lower()).strip('-')}.png"
    page.screenshot(path=str(shot))
    more = f": {detail()!r}" if detail else ""
    raise AssertionError(f"timed out waiting for {what}{more} (screenshot: artifacts/{shot.name})")
