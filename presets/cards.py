"""Concept cards: one Markdown file per concept and language (presets/cards/<lang>/<concept>.md), English fallback.

A card opens with a small front matter, then its text:

    ---
    title: ReLU
    formula: \\mathrm{ReLU}(x) = \\max(0, x)      (LaTeX, rendered by the page)
    picture: activation                          (activation | loss | schedule | none)
    lesson: activations_compared                 (the preset that shows it)
    ---
    **What it computes.** ...

A teacher adds a language by adding a folder of files; a card or field missing there is read from English.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from builder.catalogue import LAYERS
from trainers import LOSSES, OPTIMIZERS, SCHEDULES

CARDS = Path(__file__).parent / "cards"
FALLBACK = "en"
FIELDS = ("title", "formula", "picture", "lesson")
MAX_CARD_BYTES = 20_000  # a card is a few hundred bytes; a teacher's file is read whole only below this
ACTIVATIONS = ("ReLU", "ReLU6", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "ELU", "Softmax", "LogSoftmax")
REGULARISERS = ("Dropout", "BatchNorm1d", "BatchNorm2d", "weight_decay", "early_stopping")


@dataclass(frozen=True)
class Card:
    concept: str  # the saved name: a layer type, loss, optimizer, schedule, or weight_decay / early_stopping
    lang: str  # the language the text is in (English when the asked one has no card)
    title: str
    formula: str  # LaTeX, without $$
    picture: str  # activation | loss | schedule | none
    lesson: str | None  # preset name
    body: str  # Markdown


def concepts() -> dict[str, list[str]]:
    """Every concept that has a card, by kind, in the catalogues' own order."""
    return {"layer": [t for t in LAYERS if t not in ACTIVATIONS], "activation": list(ACTIVATIONS),
            "loss": list(LOSSES), "optimizer": list(OPTIMIZERS),
            "schedule": [s for s in SCHEDULES if s != "none"], "regulariser": list(REGULARISERS)}


def all_concepts() -> list[str]:
    return list(dict.fromkeys(c for names in concepts().values() for c in names))


def languages() -> list[str]:
    return sorted(p.name for p in CARDS.iterdir() if p.is_dir())


def parse(text: str) -> tuple[dict, str]:
    """(front matter fields, body) of a card file; a file without front matter is all body."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---" or "---" not in [s.strip() for s in lines[1:]]:
        return {}, text.strip()
    end = 1 + [s.strip() for s in lines[1:]].index("---")
    fields = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if sep and key.strip() in FIELDS:
            fields[key.strip()] = value.strip()
    return fields, "\n".join(lines[end + 1:]).strip()


@functools.lru_cache(maxsize=512)
def _read(concept: str, lang: str) -> tuple[dict, str] | None:
    path = CARDS / lang / f"{concept}.md"
    if concept not in all_concepts() or not path.is_file() or path.stat().st_size > MAX_CARD_BYTES:
        return None  # only known concepts: a name from a page is never a path
    return parse(path.read_text(encoding="utf-8"))


def card(concept: str, lang: str = FALLBACK) -> Card | None:
    """The card of `concept` in `lang`, its missing parts from English; None for a concept without a card."""
    own, base = _read(concept, lang), _read(concept, FALLBACK)
    if own is None and base is None:
        return None
    fields = {**(base or ({}, ""))[0], **(own or ({}, ""))[0]}
    body = (own or base)[1]
    return Card(concept, lang if own else FALLBACK, fields.get("title") or concept, fields.get("formula", ""),
                fields.get("picture", "none"), fields.get("lesson") or None, body)
