"""The canvas's texts come from the message catalogue: in Chinese every one is Chinese, and the bundle holds none."""
from __future__ import annotations

import pathlib
import re

import pytest

from builder.catalogue import CATEGORIES
from i18n import set_language
from ui.canvas.texts import canvas_texts

SRC = pathlib.Path(__file__).resolve().parents[1] / "ui" / "canvas" / "frontend"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _leaves(texts: dict) -> dict:
    return {**{k: v for k, v in texts.items() if isinstance(v, str)},
            **{f"categories.{k}": v for k, v in texts["categories"].items()}}


@pytest.fixture
def english_and_chinese():
    try:
        set_language("en")
        en = canvas_texts()
        set_language("zh")
        zh = canvas_texts()
    finally:
        set_language("en")
    return _leaves(en), _leaves(zh)


def test_every_canvas_text_is_chinese_in_chinese_with_its_placeholders(english_and_chinese):
    en, zh = english_and_chinese
    assert en.keys() == zh.keys() and len(en) > 20
    assert set(canvas_texts()["categories"]) == set(CATEGORIES)  # every palette heading
    untranslated = {k: v for k, v in zh.items() if not CJK.search(v)}
    assert not untranslated, untranslated
    for key, text in en.items():  # {source}, {count}... survive translation: the canvas fills them in
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", zh[key])), key
        assert not CJK.search(text), key


def test_the_bundle_no_longer_carries_its_own_english():
    sources = "".join(p.read_text(encoding="utf-8") for p in (SRC / "src").glob("*.jsx"))
    bundle = (SRC / "dist" / "canvas.js").read_text(encoding="utf-8")
    for english in ("Filter layers", "Auto-layout", "Show the whole network", "Drag a layer from the palette",
                    "would close a loop", "cannot feed itself", " params`", "unknown layer type"):
        assert english not in sources, english
        assert english not in bundle, english
