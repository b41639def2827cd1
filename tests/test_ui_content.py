"""ui.content.digest: equal for equal content, different for any change, also inside a long CSV text."""
import time

from ui.content import BIG_TEXT, digest


def test_equal_content_equal_digest_whatever_the_key_order_or_object():
    csv = "a,b\n" + "1,2\n" * BIG_TEXT
    a = {"graph": {"nodes": [{"id": "in"}]}, "training": {"dataset_options": {"text": csv}}}
    b = {"training": {"dataset_options": {"text": "".join(list(csv))}}, "graph": {"nodes": [{"id": "in"}]}}
    assert digest(a) == digest(b)


def test_any_change_changes_the_digest():
    csv = "a,b\n" + "1,2\n" * BIG_TEXT
    base = {"graph": {"nodes": [{"id": "in", "params": {"shape": [2]}}]}, "training": {"text": csv}}
    changed_param = {"graph": {"nodes": [{"id": "in", "params": {"shape": [3]}}]}, "training": {"text": csv}}
    changed_csv = {"graph": base["graph"], "training": {"text": csv[:-2] + "3\n"}}
    assert len({digest(base), digest(changed_param), digest(changed_csv)}) == 3


def test_a_few_mb_of_text_costs_next_to_nothing_after_the_first_time():
    project = {"graph": {"nodes": [{"id": "in"}] * 60}, "training": {"text": "1,2,3\n" * 400_000}}  # 2.4 MB
    digest(project)
    start = time.process_time()
    for _ in range(20):
        digest(project)
    assert (time.process_time() - start) / 20 < 0.005
