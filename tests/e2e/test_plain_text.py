"""Streamlit's own Markdown (links, emphasis, HTML, LaTeX, colour directives, icons, autolinks) renders an escaped
name as exactly the characters typed, and a plotly legend shows an escaped name as typed (ui.plain)."""
from __future__ import annotations

import pathlib

import pytest

from tests.e2e.plain_names import NAMES

DEMO = pathlib.Path(__file__).with_name("plain_text_app.py")
FORMATTED = "a, strong, em, img, code, del, h1, h2, ol, ul, blockquote, .katex, span[class*='material'], " \
            "[data-testid='stIconMaterial'], span[style*='color']"


@pytest.fixture(scope="module")
def server(streamlit_server):
    return streamlit_server(DEMO)


def test_escaped_names_render_as_typed(page, server, open_app):
    open_app(page, server.url)
    for i, name in enumerate(NAMES):
        box = page.locator(f".st-key-name_{i}")
        markdown = box.locator('[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]')
        markdown.nth(2).wait_for(timeout=60_000)  # a loaded CI machine may still be drawing the first run
        assert markdown.count() == 3  # markdown, caption, error
        for j in range(3):
            text = markdown.nth(j).inner_text().strip().replace("\u2060", "")  # ui.plain's invisible joiners
            want = f"Ana · {name} · end" if j == 0 else name
            assert text == want, (name, j, text)
            extra = markdown.nth(j).locator(FORMATTED).count() - (1 if j == 0 else 0)  # "**Ana**" is ours
            assert extra == 0, (name, j, markdown.nth(j).inner_html())
    legend = page.locator('[data-testid="stPlotlyChart"] .legendtext')
    legend.first.wait_for()
    assert sorted(legend.all_text_contents()) == sorted(NAMES)
    assert page.locator('[data-testid="stPlotlyChart"] .legend a').count() == 0
