"""Pictures as a data set: a zip of class folders decoded, resized, split, augmented; hostile zips refused by name."""
import io
import json

import numpy as np
import pytest
import torch
from PIL import Image

from picture_zips import cnn_project, make_zip, shape_picture, shapes_zip
from trainers import TrainingError, load_dataset
from trainers.datasets.images import augment_batch, encode_zip, images


def _png(w=4, h=4, mode="RGB", fmt="PNG") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (w, h)).save(buf, fmt)
    return buf.getvalue()


def test_zip_of_class_folders_becomes_a_dataset():
    data = images(encode_zip(shapes_zip(per_class=5)), size=16)
    assert data.x.shape == (15, 3, 16, 16) and data.x.dtype == torch.float32
    assert 0.0 <= float(data.x.min()) and float(data.x.max()) <= 1.0
    assert data.class_names == ["circle", "square", "triangle"] and data.n_classes == 3
    assert torch.bincount(data.y).tolist() == [5, 5, 5]
    assert data.image_shape == (16, 16) and data.augment is None


def test_gray_and_a_common_top_folder():
    data = images(encode_zip(shapes_zip(per_class=3, top="my pictures/")), size=8, color="gray")
    assert data.x.shape == (9, 1, 8, 8) and data.class_names == ["circle", "square", "triangle"]


def test_pictures_match_pillow():
    rng = np.random.default_rng(1)
    pic = shape_picture("circle", rng)
    data = images(encode_zip(make_zip({"a/x.png": pic, "b/y.png": _png()})), size=12)
    want = np.asarray(Image.open(io.BytesIO(pic)).convert("RGB").resize((12, 12), Image.Resampling.BILINEAR))
    np.testing.assert_allclose(data.x[0].permute(1, 2, 0).numpy(), want / 255.0, atol=1e-6)


def test_augmentation_flips_and_shifts_but_keeps_shape():
    torch.manual_seed(0)
    x = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).reshape(2, 3 * 8 * 8)  # flat, as an MLP's Input wants
    out = augment_batch(x, (3, 8, 8))
    assert out.shape == x.shape and not torch.equal(out, x)
    assert sorted(out[0].tolist()) == sorted(x[0].tolist())  # pixels moved, none invented
    data = load_dataset("images", zip=encode_zip(shapes_zip(per_class=2)), size=8, augment=True)
    assert data.augment is not None


def _refused(entries_or_bytes, match, **options):
    raw = entries_or_bytes if isinstance(entries_or_bytes, bytes) else make_zip(entries_or_bytes)
    with pytest.raises(TrainingError, match=match):
        images(encode_zip(raw), **options)


def test_hostile_zips_are_refused_with_the_file_named():
    ok = {"b/1.png": _png()}
    _refused({"a/../../etc/evil.png": _png(), **ok}, r"'a/\.\./\.\./etc/evil\.png' points outside")
    _refused({"/abs/x.png": _png(), **ok}, "points outside")
    _refused({"a/readme.txt": b"hello", **ok}, r"'a/readme\.txt' is not a PNG or JPEG")
    _refused({"a/x.gif": _png(fmt="GIF"), **ok}, r"'a/x\.gif' is GIF")
    _refused({"a/b/c/d.png": _png(), **ok}, r"'a/b/c/d\.png' is nested too deep")
    _refused({"loose.png": _png(), **ok}, r"'loose\.png' is not inside a class folder")
    _refused({"a/1.png": _png(), "a/2.png": _png()}, "1 class folder")
    _refused({"a/huge.png": _png(5000, 4000, mode="1"), **ok}, r"'a/huge\.png' is 5000×4000 pixels")
    _refused({"a/cut.png": _png(64, 64)[:60], **ok}, r"'a/cut\.png' is a damaged PNG")
    _refused({f"a/{i}.png": b"" for i in range(3001)}, "3001 files, more than the limit")
    _refused(b"PK not really a zip", "not a zip file")
    _refused(np.random.default_rng(0).bytes(3_100_000), "larger than the 3.0 MB limit")
    _refused({"a/bomb.png": _png(9000, 9000, mode="1"), **ok}, r"'a/bomb\.png' (has more than|is 9000×9000)")


def test_bad_options_and_text_are_refused():
    good = encode_zip(shapes_zip(per_class=1))
    for options, match in (({"size": 2}, "size"), ({"size": True}, "size"), ({"color": "cmyk"}, "color"),
                           ({"augment": "yes"}, "augment")):
        with pytest.raises(TrainingError, match=match):
            images(good, **options)
    with pytest.raises(TrainingError, match="not base64"):
        images("!!! not base64 !!!")
    with pytest.raises(TrainingError, match="needs a zip"):
        images(None)


@pytest.fixture
def run_cli(tmp_path, capsys):
    from trainers.cli import main

    def run(project: dict, zip_bytes: bytes):
        (tmp_path / "p.json").write_text(json.dumps(project))
        (tmp_path / "pics.zip").write_bytes(zip_bytes)
        code = main(["run", str(tmp_path / "p.json"), "--images", str(tmp_path / "pics.zip")])
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


@pytest.mark.slow
def test_cli_trains_on_a_picture_zip(run_cli):
    code, out, err = run_cli(cnn_project(), shapes_zip())
    assert code == 0, err
    final = json.loads(out.strip().splitlines()[-1])
    assert final["val_accuracy"] >= 0.9  # measured 0.93-1.0 on 30 validation pictures


def test_cli_refuses_a_hostile_zip_by_name(run_cli):
    code, out, err = run_cli(cnn_project(), make_zip({"a/../x.png": _png(), "b/y.png": _png()}))
    assert code == 2 and "'a/../x.png' points outside" in err and "Traceback" not in err
