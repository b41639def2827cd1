"""Browser-test harness: Streamlit servers on free ports, headless Debian Chromium, and a canvas driver."""

from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REPO = pathlib.Path(__file__).resolve().parents[2]
HOST = '[data-testid="stBidiComponentIsolated"]'  # an st.components.v2 element; CSS locators pierce it


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end test in a real headless browser")


def pytest_collection_modifyitems(items):
    here = pathlib.Path(__file__).parent
    for item in items:
        if here in pathlib.Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run script` on 127.0.0.1; `.url` once it serves; stopped by PID.

    launcher: what runs `script` after the Python executable (benchmarks/served.py wraps `streamlit run`)."""

    def __init__(self, script: str | os.PathLike, env: dict | None = None, args: tuple = (),
                 launcher: tuple = ("-m", "streamlit", "run")):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile("w+", prefix="streamlit-", suffix=".log", delete=False)
        full_env = {**os.environ, **(env or {})}
        full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), full_env.get("PYTHONPATH")]))
        cmd = [sys.executable, *launcher, str(script),
               "--server.headless", "true", "--server.address", "127.0.0.1",
               "--server.port", str(self.port), "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false", *args]
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_serving()

    def _wait_until_serving(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not serve within {timeout:.0f} s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return pathlib.Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        os.unlink(self.log.name)


@pytest.fixture(scope="session")
def streamlit_server():
    """Factory: streamlit_server(script, env=None, args=()) -> StreamlitServer, one per distinct call."""
    servers: dict = {}

    def start(script, env: dict | None = None, args: tuple = ()) -> StreamlitServer:
        key = (str(script), tuple(sorted((env or {}).items())), tuple(args))
        if key not in servers:
            servers[key] = StreamlitServer(script, env, args)
        return servers[key]

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need python playwright")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (own cookies, own Streamlit session) with a desktop-sized page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    pg = context.new_page()
    yield pg
    context.close()


def _wait_idle(page, quiet: float = 0.8, timeout: float = 30.0) -> None:
    """Wait until Streamlit is idle: no status widget ("Running...") for `quiet` seconds."""
    status = page.locator('[data-testid="stStatusWidget"]')
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        if status.count() == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet:
                return
        else:
            quiet_since = None
        page.wait_for_timeout(50)
    raise TimeoutError(f"Streamlit still running after {timeout:.0f} s")


def _open_app(page, url: str) -> None:
    """Load a Streamlit page and wait until its first run has finished."""
    page.goto(url)
    page.locator('[data-testid="stApp"]').wait_for()
    page.locator('[data-testid="stMainBlockContainer"]').wait_for()
    _wait_idle(page)


def _open_workspace(page, url: str) -> None:
    """The app on a fresh workspace with its canvas drawn (the first page load imports torch: allow it time)."""
    page.goto(url)
    page.locator('[data-testid="stMainBlockContainer"]').wait_for(timeout=120_000)
    _wait_idle(page, timeout=120)
    page.locator('[data-testid="nc-root"]').wait_for(timeout=120_000)


@pytest.fixture
def open_workspace():
    """open_workspace(page, url): the app opened on a fresh workspace, its canvas drawn."""
    return _open_workspace


@pytest.fixture
def wait_idle():
    """wait_idle(page, quiet=0.8, timeout=30): returns once Streamlit has been idle for `quiet` s."""
    return _wait_idle


@pytest.fixture
def open_app():
    """open_app(page, url): load a Streamlit page and wait for its first run to finish."""
    return _open_app


class CanvasDriver:
    """Drives the React Flow canvas of ui.canvas with real mouse and keyboard events."""

    def __init__(self, page):
        self.page = page
        self.root = page.locator(f'{HOST} [data-testid="nc-root"]')
        self.pane = self.root.locator(".react-flow__pane")

    def node(self, node_id: str):
        return self.root.locator(f'.react-flow__node[data-id="{node_id}"]')

    def node_ids(self) -> list[str]:
        return self.root.locator(".react-flow__node").evaluate_all("els => els.map(e => e.dataset.id)")

    def settle(self, quiet_ms: int = 150, timeout: float = 10.0) -> None:
        """Wait until the viewport stops moving (a fit view follows a Python push by a few frames)."""
        viewport = self.root.locator(".react-flow__viewport")
        last, since = None, time.monotonic()
        deadline = since + timeout
        while time.monotonic() < deadline:
            now = viewport.get_attribute("style")
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet_ms / 1000:
                return
            self.page.wait_for_timeout(30)

    def center(self, locator) -> tuple[float, float]:
        box = locator.bounding_box()
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def drop(self, layer_type: str, x: float, y: float) -> None:
        """Drag a palette item onto the canvas at (x, y), relative to the pane's top-left corner."""
        item = self.root.locator(f'[data-testid="nc-palette-item"][data-type="{layer_type}"]')
        self.settle()
        item.drag_to(self.pane, target_position={"x": x, "y": y})

    def drag(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        mouse = self.page.mouse
        mouse.move(*start)
        mouse.down()
        mouse.move(*end, steps=15)
        mouse.up()

    def connect(self, source: str, target: str, port: int = 0) -> None:
        out = self.node(source).locator('.react-flow__handle[data-handleid="out"]')
        into = self.node(target).locator(f'.react-flow__handle[data-handleid="in{port}"]')
        self.settle()
        self.drag(self.center(out), self.center(into))

    def move(self, node_id: str, dx: float, dy: float) -> None:
        self.settle()
        x, y = self.center(self.node(node_id).locator(".nc-head"))
        self.drag((x, y), (x + dx, y + dy))

    def select(self, node_id: str) -> None:
        self.settle()
        self.node(node_id).locator(".nc-head").click()

    def delete(self, node_id: str) -> None:
        self.select(node_id)
        self.page.keyboard.press("Delete")

    def button(self, name: str):
        """Toolbar button: "undo", "redo", "fit" or "layout"."""
        return self.root.locator(f'[data-testid="nc-{name}"]')


@pytest.fixture
def canvas_ui(page) -> CanvasDriver:
    return CanvasDriver(page)
