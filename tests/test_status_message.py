"""A worker's status message reaches the page as msgid + arguments and reads in the viewer's language."""
from __future__ import annotations

from i18n import set_language
from ui.views.dashboard import status_message

NAN = ["loss became NaN at step {step}: try a lower learning rate (this step was not applied)", {"step": 7}]


def test_a_worker_message_reads_in_chinese_for_a_chinese_viewer_and_in_english_otherwise():
    snap = {"message": "loss became NaN at step 7: try a lower learning rate (this step was not applied)",
            "message_n": NAN}
    try:
        set_language("zh")
        zh = status_message(snap)
        assert "7" in zh and "loss became" not in zh and any("\u4e00" <= c <= "\u9fff" for c in zh)
        assert status_message({"message": "stopped", "message_n": ["stopped", {}]}) != "stopped"
        set_language("en")
        assert status_message(snap) == snap["message"]
    finally:
        set_language("en")


def test_a_message_without_msgid_or_with_a_malformed_one_shows_its_text():
    assert status_message({"message": "stopped before it started"}) == "stopped before it started"
    assert status_message({"message": "plain", "message_n": ["x", "not a dict"]}) == "plain"
