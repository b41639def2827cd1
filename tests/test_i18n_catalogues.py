"""The en/zh catalogues: complete, compiled, in step with the sources; messages follow the reader's language."""
import re

import pytest

import builder
from i18n import LANGUAGES, N_, _, language, ngettext, set_language
from i18n.catalogues import extract, read, stale

FIELD = re.compile(r"\{(\w*)[^{}]*\}")


@pytest.fixture
def zh():
    set_language("zh")
    yield
    set_language("en")


@pytest.fixture(scope="module")
def catalogues():
    return {lang: read(lang) for lang in LANGUAGES}


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def test_every_msgid_has_both_languages_and_the_same_fields(catalogues):
    for lang, catalogue in catalogues.items():
        for m in catalogue:
            if not m.id:
                continue
            source = m.id if isinstance(m.id, str) else m.id[0]
            for string in _strings(m):
                assert string.strip(), f"{lang}: no translation for {m.id!r}"
                assert set(FIELD.findall(string)) == set(FIELD.findall(source)), f"{lang}: fields differ in {m.id!r}"
    zh_texts = [s for m in catalogues["zh"] if m.id for s in _strings(m)]
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", s)) for s in zh_texts) > 0.9 * len(zh_texts)  # really Chinese


def test_every_msgid_of_the_sources_is_in_the_catalogues(catalogues):
    used = {m.id for m in extract() if m.id}
    for lang, catalogue in catalogues.items():
        missing = used - {m.id for m in catalogue}
        assert not missing, f"{lang}: run `python -m i18n extract` and translate {sorted(map(str, missing))[:5]}"


def test_compiled_mo_files_match_the_po_files():
    assert stale() == [], "run `python -m i18n compile` and commit the .mo files"


def test_gettext_reads_the_compiled_catalogue(zh):
    assert _("Train") == "训练" and _("Lessons & examples") == "课程与示例"
    assert ngettext("{n} layer", "{n} layers", 3).format(n=3) == "3 层"
    assert _("a text nobody translated") == "a text nobody translated"  # unknown msgids stay readable


def test_an_unknown_language_falls_back_to_english():
    assert set_language("fr") == "en" and language() == "en" and _("Train") == "Train"


def test_a_checked_report_speaks_the_language_of_whoever_reads_it():
    project = {"format": "neurocanvas/1", "graph": {"nodes": [{"id": "in", "type": "Input", "params": {"shape": [4]}},
                                                              {"id": "fc", "type": "Linar", "params": {}}],
                                                    "edges": [{"source": "in", "target": "fc"}]}}
    report = builder.check(project)  # made once (check is cached by graph), read by two people
    problem = next(p for p in report.errors if p.node == "fc")
    assert problem.message == 'unknown layer type "Linar" (did you mean Linear?)' and problem.field == "type"
    set_language("zh")
    try:
        assert problem.message == "未知的层类型“Linar”（是不是想写 Linear？）"
        assert str(problem) == "fc: 未知的层类型“Linar”（是不是想写 Linear？）"
        assert report.to_dict()["errors"][0]["message"].startswith("未知的层类型")
    finally:
        set_language("en")
    assert problem.message.startswith("unknown layer type")


def test_a_parameter_error_nests_its_translated_parts(zh):
    project = {"format": "neurocanvas/1", "graph": {"nodes": [{"id": "in", "type": "Input", "params": {"shape": [4]}},
                                                              {"id": "fc", "type": "Linear",
                                                               "params": {"out_features": 0}}],
                                                    "edges": [{"source": "in", "target": "fc"}]}}
    message = builder.check(project).problems_for("fc")[0].message
    assert message == "Linear：out_features 必须 ≥ 1，得到的是 0"


def test_a_lazy_message_is_equal_to_itself_and_formats_numbers():
    assert N_("{n} classes", n=3) == N_("{n} classes", n=3)
    assert str(N_("Input shape {shape} has {values:,} values per sample, above the limit of {limit:,}",
                  shape="[9]", values=12345, limit=10)) == "Input shape [9] has 12,345 values per sample, above the " \
                                                           "limit of 10"


def test_the_command_lines_follow_lang_and_the_lang_option(tmp_path):
    import os
    import subprocess
    import sys
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "neurocanvas/1", "graph": {"nodes": [{"id": "x", "type": "Linar"}], "edges": []}}')
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def run(*args, lang="C.UTF-8"):
        env = {**os.environ, "LANG": lang, "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
        return subprocess.run([sys.executable, "-m", *args], cwd=root, env=env, capture_output=True, text=True,
                              timeout=120).stderr
    assert "未知的层类型“Linar”" in run("builder", "check", str(bad), lang="zh_CN.UTF-8")
    assert "未知的层类型“Linar”" in run("builder", "check", str(bad), "--lang", "zh")
    assert 'unknown layer type "Linar"' in run("builder", "check", str(bad))
    assert "网络没有 Input 节点" in run("trainers", "run", str(bad), "--lang", "zh")


def test_language_from_the_environment():
    from i18n import language_from_env
    assert language_from_env({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert language_from_env({"LANGUAGE": "zh_TW:en", "LANG": "en_US.UTF-8"}) == "zh"
    assert language_from_env({"LANG": "C.UTF-8"}) == "en" and language_from_env({}) == "en"
