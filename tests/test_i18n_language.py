"""The page's language: ?lang=, then the class's, then the browser's, then English; kept in the URL."""
import pytest

from i18n import set_language
from tests.apptest_helpers import app as _page
from ui.language import from_accept_language, resolve


def test_the_url_wins_then_the_class_then_the_browser_then_english():
    assert resolve("zh", "en", "en") == "zh"
    assert resolve(None, "zh", "en") == "zh"
    assert resolve("xx", None, "zh-CN") == "zh"  # an unknown ?lang= is skipped, not an error
    assert resolve(None, None, "zh_Hans") == "zh"
    assert resolve(None, None, "fr-FR") == "en" and resolve(None, None, None) == "en"


def test_accept_language_is_read_by_weight_and_bounded():
    assert from_accept_language("fr-CH, fr;q=0.9, zh-CN;q=0.8, en;q=0.7") == "zh"
    assert from_accept_language("en-US,en;q=0.9,zh;q=0.8") == "en"
    assert from_accept_language("de;q=bad, zh") == "zh"
    assert from_accept_language("x" * 100_000) is None and from_accept_language(None) is None


@pytest.mark.slow
@pytest.mark.usefixtures("app_data_dir")
def test_lang_zh_in_the_url_speaks_chinese_and_the_switch_keeps_the_url_in_step():
    try:
        at = _page(lang="zh")
        assert at.expander[0].label == "课程与示例"
        assert at.query_params["lang"] == ["zh"] or at.query_params["lang"] == "zh"
        assert "训练" in [b.label for b in at.button]
        at.segmented_control(key="lang").set_value("en").run()
        assert at.expander[0].label == "Lessons & examples"
        assert at.query_params["lang"] in ("en", ["en"])
        assert "Train" in [b.label for b in at.button]
    finally:
        set_language("en")


@pytest.mark.slow
@pytest.mark.usefixtures("app_data_dir")
def test_without_a_choice_the_page_is_english_and_says_so_in_the_url():
    at = _page()
    assert at.expander[0].label == "Lessons & examples" and at.query_params["lang"] in ("en", ["en"])


@pytest.mark.slow
@pytest.mark.usefixtures("app_data_dir")
def test_cards_open_from_the_picker_the_inspector_and_the_training_settings_in_the_page_language():
    try:
        at = _page(tab="Train", lang="zh")
        labels = [p.proto.popover.label for p in at.get("popover")]
        assert "概念卡片" in labels  # the picker beside the canvas
        loss = at.session_state["project"]["training"]["loss"]
        assert f"卡片：{loss}" in labels  # the training settings' loss card
        first = at.session_state["project"]["graph"]["nodes"][1]
        at.session_state["selected_node"] = first["id"]
        at.run()
        assert f"卡片：{first['type']}" in [p.proto.popover.label for p in at.get("popover")]  # the inspector's card
        assert any(m.value.startswith("**它计算什么。**") for m in at.markdown)
        assert at.latex and at.latex[0].value
    finally:
        set_language("en")
