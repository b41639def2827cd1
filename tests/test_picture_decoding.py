"""Picture zips cost what their headers say, and the page never decodes them itself: a pixel budget read from the
headers before any decoding, checks that need only shapes and classes read only headers, and the page's decoding
runs in runs.pictures' own thread with progress, once per content, size and colour mode."""
import threading
import time

import pytest

from picture_zips import blank_zip, cnn_project, shapes_zip
from runs.pictures import Decoder
from trainers import TrainingError
from trainers.agreement import checked
from trainers.datasets import images as images_module
from trainers.datasets import load_outline
from trainers.datasets.images import encode_zip, images
from trainers.datasets.picture_zip import MAX_ZIP_PIXELS


@pytest.fixture
def decodes(monkeypatch):
    """Every picture decoded, as (thread id, size): nothing else in the process decodes a picture."""
    seen, real = [], images_module.to_array

    def counted(data, size, color):
        seen.append((threading.get_ident(), size))
        return real(data, size, color)
    monkeypatch.setattr(images_module, "to_array", counted)
    return seen


def test_a_tiny_zip_of_huge_blank_pictures_is_refused_from_its_headers(decodes):
    bomb = blank_zip(40, 4096)
    assert len(bomb) < 15_000
    began = time.perf_counter()
    with pytest.raises(TrainingError, match=r"its pictures hold 671,088,640 pixels in all, more than the limit of "
                                            r"67,108,864 \(read from their headers; nothing was decoded\)\. Make them "
                                            r"smaller: the largest, 'a/0\.png', is 4096×4096"):
        images(encode_zip(bomb))
    assert time.perf_counter() - began < 2.0 and decodes == []
    assert MAX_ZIP_PIXELS == 4 * 4096 * 4096
    assert len(images(encode_zip(blank_zip(4, 512)), size=8)) == 4  # within the budget: decoded as before


def test_checks_that_need_shapes_read_only_the_headers(decodes):
    project = cnn_project(size=16)
    project["training"]["dataset_options"]["zip"] = encode_zip(shapes_zip(per_class=5))
    outline = load_outline("images", **project["training"]["dataset_options"])
    assert (len(outline), outline.input_shape, outline.class_names) == (15, (3, 16, 16), ["circle", "square",
                                                                                          "triangle"])
    assert outline.x.untyped_storage().nbytes() <= 4, "a view of one zero, not 15 pictures"
    project["graph"]["nodes"][-1]["params"]["out_features"] = 5
    errors = checked(project).report.errors  # the agree pass, with the data set's signature from its outline
    assert errors and "3 classes" in str(errors[0]) and decodes == []


def test_the_page_decoder_works_beside_the_caller_once_per_content_size_and_mode(decodes):
    decoder = Decoder()
    text = encode_zip(shapes_zip(per_class=10))
    job = decoder.request(text, 16, "rgb")
    assert decoder.request(text, 16, "rgb") is job
    deadline = time.time() + 60
    while not job.finished and time.time() < deadline:
        time.sleep(0.02)
    assert job.problem is None and (job.done, job.total, job.fraction) == (30, 30, 1.0)
    assert job.counts == {"circle": 10, "square": 10, "triangle": 10}
    assert [len(t) for t in job.thumbs.values()] == [8, 8, 8] and job.thumbs["circle"][0].shape == (16, 16, 3)
    assert {thread for thread, _size in decodes} != {threading.get_ident()} and len(decodes) == 30
    again = decoder.request(text, 16, "rgb")
    assert again is job and len(decodes) == 30, "a size already decoded is not decoded again"
    gray = decoder.request(text, 16, "gray")
    while not gray.finished and time.time() < deadline:
        time.sleep(0.02)
    assert len(decodes) == 60 and gray.thumbs["circle"][0].shape == (16, 16)


def test_a_picture_whose_body_breaks_its_header_is_named_by_the_decoder():
    import io
    import zipfile

    from PIL import Image
    buf = io.BytesIO()
    Image.effect_noise((64, 64), 64).convert("RGB").save(buf, "JPEG")
    cut = buf.getvalue()[:len(buf.getvalue()) // 2]  # a whole header, half a body (JPEGs carry no checksum)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as z:
        z.writestr("a/ok.jpg", buf.getvalue())
        z.writestr("b/cut.jpg", cut)
    job = Decoder().request(encode_zip(raw.getvalue()), 8, "rgb")
    deadline = time.time() + 30
    while not job.finished and time.time() < deadline:
        time.sleep(0.02)
    assert job.problem and "'b/cut.jpg' cannot be decoded" in job.problem
