"""The page around the canvas under AppTest: first visit, inspector, errors, code, presets, lessons, persistence."""
import copy
import json

import pytest
import torch

from tests.apptest_helpers import app, inject, open_gallery
from tests.graph_factory import make_project
from ui.views.project_file import parse_upload

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir")]  # each AppTest run imports and draws the whole page


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_first_visit_opens_simplenet_with_a_hint_and_a_workspace_in_the_url():
    at = app()
    assert at.session_state["project"]["name"] == "SimpleNet on digits"
    assert any("press **Train**" in t for t in texts(at.info))
    ws = at.query_params["ws"]
    assert isinstance(ws, str) and len(ws) >= 6
    assert at.get("bidi_component"), "the canvas is on the page"
    assert not at.button(key="btn_train").disabled
    # the summary agrees with PyTorch's own count for 64 -> 128 -> 64 -> 10
    expected = sum(p.numel() for p in torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.Linear(128, 64),
                                                          torch.nn.Linear(64, 10)).parameters())
    assert at.metric[0].value == f"{expected:,}"


def test_an_invalid_graph_lists_errors_by_node_and_disables_train_with_the_reason():
    at = app()
    bad = make_project([("in", "Input", {"shape": [1, 8, 8]}), ("conv", "Conv2d", {"out_channels": 4, "kernel_size": 3}),
                        ("fc", "Linear", {"out_features": 10}), ("lonely", "ReLU")],
                       edges=[("in", "conv"), ("conv", "fc")], training={"dataset": "digits"})
    inject(at, bad)
    errors = " ".join(texts(at.error))
    assert "lonely" in errors
    assert at.button(key="btn_train").disabled
    assert any("Fix the graph first" in w and "lonely" in w for w in texts(at.warning))
    inject(at, bad, main_tab="Code")
    assert any("No code while the graph has problems" in w for w in texts(at.warning))


def test_inspector_edits_a_parameter_and_the_shapes_and_count_follow(seed_mlp):
    at = inject(app(), seed_mlp, selected_node="fc1")
    box = next(n for n in at.number_input if n.label == "out_features")
    assert box.value == 128
    box.set_value(32).run()
    assert at.session_state["project"]["graph"]["nodes"][1]["params"]["out_features"] == 32
    assert any("output **[32]**" in m for m in texts(at.markdown))
    expected = sum(p.numel() for p in torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.Linear(32, 64),
                                                          torch.nn.Linear(64, 10)).parameters())
    assert at.metric[0].value == f"{expected:,}"
    at.session_state["main_tab"] = "Code"
    at.run()
    assert "nn.Linear(in_features=64, out_features=32, bias=True)" in at.code[0].value


def test_bad_typed_input_is_reported_by_field_and_changes_nothing(project):
    conv = project([("in", "Input", {"shape": [1, 8, 8]}), ("conv", "Conv2d", {"out_channels": 4, "kernel_size": 3})])
    at = inject(app(), conv, selected_node="conv")
    box = next(t for t in at.text_input if t.label == "kernel_size")
    box.set_value("3, x").run()
    assert any("conv.kernel_size" in e for e in texts(at.error))
    assert at.session_state["project"]["graph"]["nodes"][1]["params"]["kernel_size"] == 3
    next(t for t in at.text_input if t.label == "kernel_size").set_value("5, 3").run()
    assert at.session_state["project"]["graph"]["nodes"][1]["params"]["kernel_size"] == [5, 3]
    assert any("output **[4, 4, 6]**" in m for m in texts(at.markdown))


def test_rename_and_delete_keep_the_edges_consistent(seed_mlp):
    at = inject(app(), seed_mlp, selected_node="fc2")
    next(t for t in at.text_input if t.label == "id").set_value("hidden")
    at.button[[b.label for b in at.button].index("Rename")].click().run()
    graph = at.session_state["project"]["graph"]
    assert "hidden" in [n["id"] for n in graph["nodes"]] and at.session_state["selected_node"] == "hidden"
    assert {"source": "relu1", "target": "hidden"} in graph["edges"]
    at.button(key="delete:hidden").click().run()
    graph = at.session_state["project"]["graph"]
    assert "hidden" not in [n["id"] for n in graph["nodes"]]
    assert all("hidden" not in (e["source"], e["target"]) for e in graph["edges"])
    assert at.button(key="btn_train").disabled  # relu2 lost its input


def test_presets_load_in_one_click_and_a_blank_project_starts_with_an_input(seed_mlp):
    at = open_gallery(inject(app(), make_project([("in", "Input", {"shape": [2]})])))
    at.button(key="preset_simplenet_digits").click().run()
    at.button(key="btn_confirm_open").click().run()  # the injected network is the person's work: asked first
    assert at.session_state["project"]["name"] == "SimpleNet on digits"
    at.button(key="new_project").click().run()
    assert [n["type"] for n in at.session_state["project"]["graph"]["nodes"]] == ["Input"]


def test_the_lesson_tab_speaks_english_or_chinese(seed_mlp):
    lesson = {"order": 1, "target": {"metric": "val_accuracy", "op": ">=", "value": 0.93},
              "en": {"title": "Feed-forward", "summary": "s", "body": "Watch the **loss** fall."},
              "zh": {"title": "前馈网络", "summary": "s", "body": "观察**损失**下降。"}}
    at = inject(app(tab="Lesson"), {**seed_mlp, "lesson": lesson})
    assert "Watch the **loss** fall." in texts(at.markdown)
    at.session_state["lang"] = "zh"
    at.run()
    assert "观察**损失**下降。" in texts(at.markdown) and at.subheader[0].value == "前馈网络"


def test_a_refreshed_page_finds_the_edited_project(seed_mlp):
    first = app()
    ws = first.query_params["ws"]
    edited = copy.deepcopy(seed_mlp)
    edited["name"] = "mine"
    inject(first, edited)
    again = app(ws=ws)
    assert again.session_state["project"]["name"] == "mine"
    assert again.session_state["project"]["graph"] == edited["graph"]


def test_uploads_are_checked_and_name_the_file(seed_mlp):
    assert parse_upload("ok.json", json.dumps(seed_mlp).encode()).to_dict() == seed_mlp  # parsed once, at the door
    with pytest.raises(ValueError, match="bad.json: not valid JSON: .* line 1"):
        parse_upload("bad.json", b"{nope")
    with pytest.raises(ValueError, match="pic.json: not a text file"):
        parse_upload("pic.json", b"\xff\xd8\xff")
    broken = {**seed_mlp, "graph": {"nodes": [{"id": "a"}], "edges": []}}
    with pytest.raises(ValueError, match="x.json: "):
        parse_upload("x.json", json.dumps(broken).encode())


def test_gallery_cards_follow_the_language_toggle():
    at = app()
    assert not any((b.key or "").startswith("preset_") for b in at.button), "a closed gallery sends none of its cards"
    open_gallery(at)
    assert any(c.startswith("Target: validation accuracy ≥") for c in texts(at.caption))
    at.session_state["lang"] = "zh"
    at.run()
    assert any(c.startswith("目标: 验证集准确率 ≥") for c in texts(at.caption))
    assert not any(c.startswith("Target:") for c in texts(at.caption))


def _ancestors(node, target, path=()):
    """The block types (column, form, ...) from the page down to `target`, or None when it is not under node."""
    if node is target:
        return path
    for child in getattr(node, "children", {}).values():
        found = _ancestors(child, target, path + (getattr(node, "type", ""),))
        if found is not None:
            return found
    return None


def test_rename_has_its_own_row_in_the_narrow_inspector(seed_mlp):
    at = inject(app(), seed_mlp, selected_node="fc1")
    button = next(b for b in at.button if b.label == "Rename")
    box = next(t for t in at.text_input if t.label == "id")
    # the inspector is itself one column of the page: nothing may split it further around the rename form
    for element in (button, box):
        path = _ancestors(at._tree, element)
        assert path.count("column") == 1, path
    assert button.proto.help  # the tooltip says what renaming does


def test_a_new_batch_size_reaches_the_memory_estimate_on_the_same_rerun(seed_mlp):
    from builder import check, load_project
    from builder.budget import estimate
    from ui.views.summary import human_bytes

    def memory_for_batch(batch):  # the training footprint with Adam at `batch`, as builder's budget counts it
        return estimate(report, {"batch_size": batch, "optimizer": {"type": "Adam"}})["total"]

    at = inject(app(), seed_mlp, main_tab="Train")
    report = check(load_project(seed_mlp))
    assert at.metric[1].value == human_bytes(memory_for_batch(64))
    next(n for n in at.number_input if n.label == "Batch").set_value(4096).run()
    assert at.session_state["project"]["training"]["batch_size"] == 4096
    assert at.metric[1].value == human_bytes(memory_for_batch(4096)) != human_bytes(memory_for_batch(64))


def test_a_malformed_upload_names_the_problem_and_keeps_the_project(seed_mlp):
    at = inject(app(), seed_mlp)
    before = copy.deepcopy(at.session_state["project"])
    broken = {**seed_mlp, "graph": {"nodes": [{"id": "a", "type": "Linear"}], "edges": [{"source": "a"}]}}
    at.file_uploader(key="upload_project").set_value(("broken.json", json.dumps(broken).encode(),
                                                      "application/json")).run()
    assert not at.exception
    errors = [e for e in texts(at.error) if e.startswith("broken.json: ")]
    assert errors and "graph.edges[0]" in errors[0] and '"target"' in errors[0], errors  # where and what
    assert "current project is unchanged" in errors[0]
    assert at.session_state["project"] == before
    at.file_uploader(key="upload_project").set_value(("notes.json", b"{\"format\": ", "application/json")).run()
    assert any(e.startswith("notes.json: not valid JSON") for e in texts(at.error))
    assert at.session_state["project"] == before
