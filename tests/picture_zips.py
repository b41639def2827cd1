"""Zips of pictures the tests make themselves: three classes of coloured shapes, and hostile variants."""
import io
import zipfile

import numpy as np
from PIL import Image, ImageDraw

SHAPES = ("circle", "square", "triangle")
COLOURS = {"circle": (220, 40, 40), "square": (40, 200, 60), "triangle": (50, 70, 220)}  # each class its colour


def shape_picture(kind: str, rng, size: int = 24, fmt: str = "PNG") -> bytes:
    """One shape of its class's colour (jittered), at a random size and place on a noisy gray background."""
    bg = tuple(int(v) for v in rng.integers(90, 160, 3))
    im = Image.new("RGB", (size, size), bg)
    draw = ImageDraw.Draw(im)
    r = int(rng.integers(size // 4, size // 3 + 1))
    cx, cy = (int(v) for v in rng.integers(r, size - r, 2))
    colour = tuple(int(np.clip(c + rng.integers(-35, 36), 0, 255)) for c in COLOURS[kind])
    box = (cx - r, cy - r, cx + r, cy + r)
    if kind == "circle":
        draw.ellipse(box, fill=colour)
    elif kind == "square":
        draw.rectangle(box, fill=colour)
    else:
        draw.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=colour)
    noise = rng.integers(-12, 13, (size, size, 3))
    im = Image.fromarray(np.clip(np.asarray(im, dtype=np.int16) + noise, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    im.save(buf, fmt)
    return buf.getvalue()


def make_zip(entries: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():  # a fixed date: the same entries give the same bytes
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def shapes_zip(per_class: int = 40, seed: int = 0, top: str = "") -> bytes:
    """`per_class` pictures of each shape in folders circle/, square/, triangle/ (JPEG and PNG mixed)."""
    rng = np.random.default_rng(seed)
    return make_zip({f"{top}{kind}/{i}.{'jpg' if i % 3 == 0 else 'png'}":
                     shape_picture(kind, rng, fmt="JPEG" if i % 3 == 0 else "PNG")
                     for kind in SHAPES for i in range(per_class)})


def cnn_project(size: int = 16, epochs: int = 8) -> dict:
    """A small CNN for size×size RGB pictures of three classes."""
    nodes = [("in", "Input", {"shape": [3, size, size]}),
             ("c1", "Conv2d", {"out_channels": 16, "kernel_size": 3, "padding": 1}), ("r1", "ReLU", {}),
             ("p1", "MaxPool2d", {"kernel_size": 2}),
             ("c2", "Conv2d", {"out_channels": 32, "kernel_size": 3, "padding": 1}), ("r2", "ReLU", {}),
             ("p2", "AdaptiveAvgPool2d", {"output_size": 2}), ("f", "Flatten", {}),
             ("out", "Linear", {"out_features": 3})]
    return {"format": "neurocanvas/1", "name": "Shapes",
            "graph": {"nodes": [{"id": i, "type": t, "params": p} for i, t, p in nodes],
                      "edges": [{"source": a[0], "target": b[0]} for a, b in zip(nodes, nodes[1:])]},
            "training": {"dataset": "images", "dataset_options": {"size": size, "color": "rgb"},
                         "loss": "CrossEntropyLoss", "optimizer": {"type": "Adam", "lr": 0.003},
                         "batch_size": 16, "epochs": epochs, "val_fraction": 0.25, "seed": 0}}


def blank_png(side: int = 4096) -> bytes:
    """A blank side×side PNG: a few hundred bytes that decode to side² pixels (the cheap-to-send, dear-to-decode case)."""
    buf = io.BytesIO()
    Image.new("RGB", (side, side)).save(buf, "PNG")
    return buf.getvalue()


def blank_zip(n: int = 40, side: int = 4096) -> bytes:
    """n blank side×side PNGs in two class folders: 40 of 4096² make a 14 KB zip of 671 million pixels."""
    picture = blank_png(side)
    return make_zip({f"{'ab'[i % 2]}/{i}.png": picture for i in range(n)})
