"""Hostile inputs, made the way an attacker would: links, uploads and bundles carrying what we choose."""
from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import io
import json
import zipfile
import zlib

from export.bundle import FORMAT
from export.links import VERSION, ZDICT_1

SMALL = {"format": "neurocanvas/1", "name": "small", "description": "",
         "graph": {"nodes": [{"id": "in", "type": "Input", "params": {"shape": [4]}},
                             {"id": "fc", "type": "Linear", "params": {"out_features": 3}}],
                   "edges": [{"source": "in", "target": "fc"}]},
         "training": {"dataset": "iris", "loss": "CrossEntropyLoss", "batch_size": 16, "epochs": 1}}


def project(**training) -> dict:
    p = copy.deepcopy(SMALL)
    p["training"].update(training)
    return p


def link_of(raw: bytes) -> str:
    """A valid link value for any bytes (checksum and all): only the content is hostile."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, ZDICT_1)
    body = binascii.crc32(raw).to_bytes(4, "big") + packer.compress(raw) + packer.flush()
    return VERSION + base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")


def link(obj) -> str:
    return link_of(json.dumps(obj).encode())


def bundle(members: dict, manifest: dict | None = None) -> bytes:
    """A zip around the members given, with a correct manifest (sha256 of every member) unless one is given:
    as an attacker who read our format would write it."""
    if manifest is None:
        manifest = {"format": FORMAT, "members": {k: {"bytes": len(v), "sha256": hashlib.sha256(v).hexdigest()}
                                                  for k, v in members.items()}}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        for k, v in members.items():
            zf.writestr(k, v)
    return buf.getvalue()


def nested(depth: int) -> bytes:
    return b'{"format": "neurocanvas/1", "graph": ' + b"[" * depth + b"]" * depth + b"}"


def pe_chain(n: int, d_model: int = 512, max_len: int = 100_000) -> dict:
    """A chain of PositionalEncoding nodes, each under the per-node cap, together gigabytes of tables."""
    nodes = [{"id": "in", "type": "Input", "params": {"shape": [8, d_model]}}]
    nodes += [{"id": f"pe{i}", "type": "PositionalEncoding", "params": {"max_len": max_len}} for i in range(n)]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:])]
    return {"format": "neurocanvas/1", "name": "pe", "graph": {"nodes": nodes, "edges": edges},
            "training": {"dataset": "sine", "loss": "MSELoss"}}
