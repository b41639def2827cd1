"""Share links: a project round-trips exactly through a URL value; damaged, cut or oversized links are refused."""
import base64
import binascii
import json
import os
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from builder import load_project
from export.links import (MAX_LINK_CHARS, ZDICT_1, LinkError, decode_project, encode_project, project_from_query,
                         share_url)
from export_graphs import GRAPHS

PRESETS = sorted((Path(__file__).resolve().parents[1] / "presets").glob("*.json"))


@pytest.mark.parametrize("kind", list(GRAPHS))
def test_round_trip_is_exact(kind):
    project = load_project(GRAPHS[kind])
    again = decode_project(encode_project(project))
    assert again.to_dict() == project.to_dict()
    # canonical JSON sorts object keys (JSON objects are unordered); lists (nodes, edges) keep their order
    assert json.dumps(again.to_dict(), sort_keys=True) == json.dumps(project.to_dict(), sort_keys=True)


def test_unknown_keys_unicode_and_float_positions_survive(seed_mlp):
    seed_mlp["name"] = "Réseau 数字 🧠"
    seed_mlp["lesson"] = {"step": 3, "notes": ["a", None, 1.5]}  # a key this version does not know
    seed_mlp["graph"]["nodes"][1]["pos"] = [120.37512, -33.0]
    seed_mlp["graph"]["nodes"][1]["colour"] = "#ff0"
    project = load_project(seed_mlp)
    assert decode_project(encode_project(seed_mlp)).to_dict() == project.to_dict()


@settings(max_examples=60, deadline=None)
@given(name=st.text(max_size=40), description=st.text(max_size=200),
       extra=st.dictionaries(st.text(min_size=1, max_size=8).filter(
           lambda k: k not in ("format", "name", "description", "graph", "training")),
           st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=10),
                     st.booleans(), st.none()), max_size=4))
def test_round_trip_property(name, description, extra):
    data = dict(GRAPHS["concat"], name=name, description=description, **extra)
    assert decode_project(encode_project(data)).to_dict() == load_project(data).to_dict()


def test_every_preset_fits_in_a_link():
    lengths = {p.stem: len(encode_project(load_project(p))) for p in PRESETS}
    assert lengths and max(lengths.values()) < MAX_LINK_CHARS


def test_every_cut_is_refused():
    value = encode_project(GRAPHS["transformer"])
    for cut in range(1, len(value)):
        with pytest.raises(LinkError, match="truncated|damaged|changed"):
            decode_project(value[:cut])


def test_every_single_character_change_is_refused():
    value = encode_project(GRAPHS["residual"])
    alphabet = "AbZ09-_"
    for i in range(1, len(value)):
        other = next(c for c in alphabet if c != value[i])
        with pytest.raises(LinkError, match="damaged|changed|truncated"):
            decode_project(value[:i] + other + value[i + 1:])


@pytest.mark.parametrize("value, message", [
    ("", "holds no project"),
    ("2" + "A" * 40, "version '2'"),
    ("1abc$%^&*()abcdefgh", "characters a link never holds"),
    ("1" + "A" * (MAX_LINK_CHARS + 5), "too long"),
])
def test_clear_messages(value, message):
    with pytest.raises(LinkError, match=message):
        decode_project(value)


def _forge(raw: bytes) -> str:
    """A well-formed link around arbitrary JSON bytes (what a hostile page could build)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, ZDICT_1)
    body = binascii.crc32(raw).to_bytes(4, "big") + packer.compress(raw) + packer.flush()
    return "1" + base64.urlsafe_b64encode(body).decode().rstrip("=")


def test_deflate_bomb_and_non_projects_are_refused():
    with pytest.raises(LinkError, match="expands to more than"):
        decode_project(_forge(b"[" + b"0," * 1_000_000 + b"0]"))
    with pytest.raises(LinkError, match="does not hold a NeuroCanvas project"):
        decode_project(_forge(b'{"format": "keras/3"}'))


def test_oversized_project_is_refused_on_encode(seed_mlp):
    seed_mlp["description"] = base64.b64encode(os.urandom(9000)).decode()  # incompressible
    with pytest.raises(LinkError, match="too large for a link"):
        encode_project(seed_mlp)


def test_url_helpers(seed_mlp):
    url = share_url(seed_mlp, "https://canvas.example.org/app?ws=abc123&project=stale")
    assert url.startswith("https://canvas.example.org/app?ws=abc123&project=1")
    query = dict(pair.split("=", 1) for pair in url.split("?", 1)[1].split("&"))
    assert project_from_query(query).to_dict() == load_project(seed_mlp).to_dict()
    assert project_from_query({"ws": "abc123"}) is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_=%$ ", max_size=300))
def test_any_text_fails_only_with_link_errors(value):
    try:
        decode_project(value)
    except LinkError:
        pass
