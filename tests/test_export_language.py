"""export's command line and its share-link errors speak the reader's language (LANG for the CLI, the page's for links)."""
from __future__ import annotations

import re

import pytest

from export.cli import main
from export.links import LinkError, decode_project, encode_project
from i18n import set_language
from presets import load_preset

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def english_after():
    yield
    set_language("en")


def test_the_command_line_reports_in_chinese_under_a_chinese_locale(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(key, raising=False)
    out = tmp_path / "net.py"
    assert main(["presets/simplenet_digits.json", "-o", str(out)]) == 0
    assert out.exists() and CJK.search(capsys.readouterr().out)
    assert main([str(tmp_path / "missing.json")]) == 2
    assert CJK.search(capsys.readouterr().err)


def test_the_command_line_stays_english_under_an_english_locale(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(key, raising=False)
    assert main(["presets/simplenet_digits.json", "-o", str(tmp_path / "net.py")]) == 0
    assert capsys.readouterr().out.startswith("wrote ")


def test_a_damaged_share_link_says_why_in_the_readers_language():
    value = encode_project(load_preset("simplenet_digits"))
    set_language("zh")
    for damaged in (value[:-30], value[:12] + "!" + value[13:], ""):
        with pytest.raises(LinkError) as e:
            decode_project(damaged)
        assert CJK.search(str(e.value)) and "share link" not in str(e.value)
    set_language("en")
    with pytest.raises(LinkError, match="share link"):
        decode_project(value[:-30])


def test_a_bad_curves_file_in_a_bundle_says_why_in_the_readers_language():
    from export.curves import CurveError, curves_from_csv
    set_language("zh")
    for data in (b"\xff\xfe", b"", b"step,loss\n1,abc\n", b"loss,step\n1,2\n"):
        with pytest.raises(CurveError) as e:
            curves_from_csv(data, "epochs.csv", "step")
        assert CJK.search(str(e.value)) and str(e.value).startswith("epochs.csv")


def test_a_refused_bundle_is_explained_in_the_language_it_is_read_in():
    """The error is made once (a Message) and read in English or Chinese, whichever the page speaks."""
    from export.bundle import BundleError, read_bundle
    with pytest.raises(BundleError) as caught:
        read_bundle(b"not a zip at all")
    assert str(caught.value) == "not a bundle: the file is not a zip archive, or it is damaged"
    set_language("zh")
    assert str(caught.value) == "不是运行包：该文件不是 zip 压缩包，或已损坏"


def test_a_data_set_a_script_cannot_load_is_explained_in_chinese():
    from export.data import data_function
    set_language("zh")
    with pytest.raises(ValueError) as caught:
        data_function("no_such_data", {})
    message = str(caught.value)
    assert message.startswith("training.dataset：数据集 'no_such_data' 无法写入脚本") and CJK.search(message)
    with pytest.raises(ValueError, match="没有选项 'colour'"):
        data_function("csv", {"colour": 1})
