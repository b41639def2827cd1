"""Pictures in the Train view (AppTest): upload a zip, see each class, train to a stated accuracy; bad zips refused."""
import io
import time
import zipfile

import pytest

from apptest_helpers import app, inject
from picture_zips import cnn_project, make_zip, shapes_zip
from trainers.datasets.images import decode_zip, encode_zip
from ui.views import image_data

from runs.registry import REGISTRY

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir", "registry")]


def page(project):
    return inject(app(), project, main_tab="Train")


def _uploader(at):
    return next(u for u in at.file_uploader if u.label == "Pictures (.zip)")


def test_upload_train_and_reach_the_stated_accuracy():
    project = cnn_project()
    at = page(project)
    assert any("Upload a zip" in i.value for i in at.info)
    _uploader(at).set_value(("shapes.zip", shapes_zip(), "application/zip")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("120 pictures · 3 classes · input [3, 16, 16]" in m.value for m in at.markdown)
    assert {"circle: 40 pictures", "square: 40 pictures", "triangle: 40 pictures"} <= {c.value for c in at.caption}
    options = at.session_state["project"]["training"]["dataset_options"]
    assert options["size"] == 16 and options["color"] == "rgb" and decode_zip(options["zip"]) == shapes_zip()
    at.button(key="btn_train").click().run()
    run = REGISTRY.get(at.session_state["workspace"], at.session_state["run_id"])
    deadline = time.time() + 240
    while run.final is None and time.time() < deadline:
        time.sleep(1)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert run.status == "finished", run.snapshot().get("error")
    assert run.final["epochs"]["val_accuracy"][-1] >= 0.9  # the same project and zip as the CLI test


def test_a_hostile_zip_is_refused_by_name_and_changes_nothing():
    at = page(cnn_project())
    _uploader(at).set_value(("good.zip", shapes_zip(per_class=2), "application/zip")).run()
    before = at.session_state["project"]["training"]["dataset_options"]["zip"]
    bad = make_zip({"a/../../x.png": b"", "b/y.png": b""})
    _uploader(at).set_value(("evil.zip", bad, "application/zip")).run()
    assert not at.exception, [e.message for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "evil.zip" in errors and "'a/../../x.png' points outside" in errors and "not changed" in errors
    assert at.session_state["project"]["training"]["dataset_options"]["zip"] == before


def test_a_camera_picture_joins_its_class_once():
    options = {"zip": encode_zip(shapes_zip(per_class=2)), "size": 8}
    shot = io.BytesIO()
    from PIL import Image
    Image.new("RGB", (40, 30), (200, 10, 10)).save(shot, "PNG")
    once = image_data.add_picture(options, "circle", shot.getvalue())
    twice = image_data.add_picture(once, "circle", shot.getvalue())
    assert once == twice
    names = zipfile.ZipFile(io.BytesIO(decode_zip(once["zip"]))).namelist()
    assert len(names) == 7 and sum(n.startswith("circle/camera_") for n in names) == 1
    data, problem = image_data.load(once)
    assert problem is None and len(data) == 7


def test_a_tiny_zip_of_huge_blank_pictures_costs_the_page_no_decoding(monkeypatch):
    from trainers.datasets import images as images_module
    from picture_zips import blank_zip
    decoded = []
    real = images_module.to_array
    monkeypatch.setattr(images_module, "to_array", lambda *a: decoded.append(1) or real(*a))
    at = page(cnn_project())
    _uploader(at).set_value(("good.zip", shapes_zip(per_class=2), "application/zip")).run()
    before = at.session_state["project"]["training"]["dataset_options"]
    began = time.perf_counter()
    _uploader(at).set_value(("blank.zip", blank_zip(40, 4096), "application/zip")).run()
    assert time.perf_counter() - began < 5, "refused from the headers (decoding took 13-30 s in the page before)"
    errors = " ".join(e.value for e in at.error)
    assert "blank.zip" in errors and "671,088,640 pixels in all" in errors and "not changed" in errors
    assert at.session_state["project"]["training"]["dataset_options"] == before
    assert len(decoded) <= 6, "only the good zip's pictures, in the decoder's thread"
