"""The user's own CSV as the data set: upload checks, options written to the project, preview and errors."""
import copy

import pytest
import torch
from streamlit.testing.v1 import AppTest

from apptest_helpers import poll
from tests.graph_factory import make_project
from trainers import TrainingError, fit, load_dataset
from ui.views import csv_upload as csv_data

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir", "registry")]  # each AppTest run draws the whole page

GOOD = "height,weight,colour,kind\n" + "".join(
    f"{1.0 + i * 0.1:.1f},{2.0 + (i % 5):.1f},{'red' if i % 3 else 'blue'},{'a' if i % 2 else 'b'}\n" for i in range(40))
GAPS = "age,income,label\n30,,yes\n,2.5,no\n41,3.0,yes\n"


def csv_project(text, target, shape=(4,)):
    return make_project([("in", "Input", {"shape": list(shape)}), ("fc", "Linear", {"out_features": 8}),
                         ("relu", "ReLU"), ("out", "Linear", {"out_features": 2})],
                        training={"dataset": "csv", "dataset_options": {"text": text, "target": target},
                                  "loss": "CrossEntropyLoss", "optimizer": {"type": "Adam", "lr": 0.01},
                                  "batch_size": 8, "epochs": 1, "seed": 0})


# --- the pure functions -------------------------------------------------------------------------------------

def test_a_good_upload_gives_text_and_the_last_column_as_target():
    options, problem = csv_data.options_from_upload(GOOD.encode(), "pets.csv")
    assert problem is None
    assert options == {"text": GOOD, "target": "kind"}
    kept, _ = csv_data.options_from_upload(GOOD.encode(), "pets.csv", target="colour")
    assert kept["target"] == "colour"
    assert csv_data.columns(GOOD) == ["height", "weight", "colour", "kind"]
    # trainers' loader agrees: 2 numbers + colour one-hot (2) = 4 features, 2 classes
    data = load_dataset("csv", **options)
    assert list(data.input_shape) == [4] and data.n_classes == 2 and len(data) == 40


def test_excel_byte_order_mark_is_dropped():
    options, problem = csv_data.options_from_upload(b"\xef\xbb\xbf" + GOOD.encode(), "excel.csv")
    assert problem is None and csv_data.columns(options["text"])[0] == "height"


@pytest.mark.parametrize("data, words", [
    (b"", ["empty.csv", "empty"]),
    (b"   \n\n", ["empty.csv", "empty"]),
    (b"only\n1\n2\n", ["empty.csv", "two columns"]),
    (b"a,b\n", ["empty.csv", "no data rows"]),
    (b"a,b\n1,2\n3,4,5,6\n", ["empty.csv", "not a readable CSV"]),
    (b"a,b\n\xff\xfe,1\n", ["empty.csv", "UTF-8"]),
    (GAPS.encode(), ["empty.csv", "missing values", "'age' (1)", "'income' (1)"]),
    (b"x" * (csv_data.MAX_BYTES + 1), ["empty.csv", "over the 2 MB limit"]),
])
def test_a_bad_upload_is_refused_with_the_file_and_the_reason(data, words):
    options, problem = csv_data.options_from_upload(data, "empty.csv")
    assert options is None
    for w in words:
        assert w in problem
    assert "uploaded CSV" not in problem  # the file's own name replaces the loader's generic one


def test_load_names_the_file_and_never_raises():
    data, problem = csv_data.load({"text": GAPS, "target": "label"}, "gaps.csv")
    assert data is None and problem.startswith("gaps.csv: missing values in 'age'")
    data, problem = csv_data.load({"text": GOOD, "target": "nope"}, "pets.csv")
    assert data is None and "target column 'nope' not found" in problem
    assert csv_data.load({}, None)[1].startswith("Upload a CSV")


def test_a_csv_project_trains_with_pytorch():
    torch.set_num_threads(1)
    options, _ = csv_data.options_from_upload(GOOD.encode(), "pets.csv")
    result = fit(csv_project(options["text"], options["target"]))
    assert result["status"] == "finished" and result["error"] is None
    assert result["final"]["steps"] == 4  # 32 training rows (80 % of 40) in batches of 8
    # a wrong Input shape is refused up front with a message naming the node and both shapes
    with pytest.raises(TrainingError, match=r"in: gives \[3\].*data set 'csv' has \[4\] per sample"):
        fit(csv_project(options["text"], options["target"], shape=(3,)))


# --- the page ------------------------------------------------------------------------------------------------

def page(project) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.run()
    at.session_state["project"] = copy.deepcopy(project)
    at.session_state["main_tab"] = "Train"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_train_view_previews_an_injected_csv_and_follows_the_target_picker():
    at = page(csv_project(GOOD, "kind"))
    lines = " ".join(m.value for m in at.markdown)
    assert "classification, 2 classes" in lines and "4 input features" in lines and "40 rows" in lines
    assert at.dataframe, "the first rows are shown"
    assert not at.error, [e.value for e in at.error]
    assert not at.button(key="btn_train").disabled
    assert next(s for s in at.selectbox if s.label == "Data set").value == "csv"
    target = next(s for s in at.selectbox if s.label == "Column to predict (target)")
    assert target.value == "kind" and target.options == ["height", "weight", "colour", "kind"]
    target.set_value("height").run()
    assert not at.exception
    assert at.session_state["project"]["training"]["dataset_options"] == {"text": GOOD, "target": "height"}
    lines = " ".join(m.value for m in at.markdown)
    assert "regression" in lines and "5 input features" in lines  # weight + colour one-hot (2) + kind one-hot (2)
    warnings = " ".join(w.value for w in at.warning)
    # the shape no longer fits: said beside the data (builder's agreement, with its fix), not raised
    assert "in: gives [4]" in warnings and "[5]" in warnings and "Fix: set in.shape to [5]" in warnings
    assert "MSELoss" in warnings
    # known before Train, so Train waits, naming the node and the shapes; the page lives
    assert at.button(key="btn_train").disabled
    assert any(w.value.startswith("Fix the graph first: in: gives [4]") and "[5]" in w.value for w in at.warning)


def test_a_csv_with_missing_values_shows_an_error_naming_the_columns():
    at = page(csv_project(GAPS, "label", shape=(2,)))
    errors = " ".join(e.value for e in at.error)
    assert "missing values" in errors and "'age'" in errors and "'income'" in errors
    assert not at.exception


def test_switching_back_to_a_built_in_set_drops_the_csv_options():
    at = page(csv_project(GOOD, "kind"))
    next(s for s in at.selectbox if s.label == "Data set").set_value("digits").run()
    assert not at.exception, [e.message for e in at.exception]
    t = at.session_state["project"]["training"]
    assert t["dataset"] == "digits" and t["dataset_options"] == {}
    assert not any(s.label == "Column to predict (target)" for s in at.selectbox)
    assert any("digits" in m.value for m in at.markdown)
    next(s for s in at.selectbox if s.label == "Data set").set_value("csv").run()
    assert not at.exception
    assert at.session_state["project"]["training"]["dataset"] == "csv"
    assert any("Upload a CSV" in i.value for i in at.info)


def test_uploading_a_file_writes_it_into_the_project_and_a_bad_one_changes_nothing(seed_mlp):
    at = page(seed_mlp)
    next(s for s in at.selectbox if s.label == "Data set").set_value("csv").run()
    assert any("2 MB" in c.value for c in at.caption), "the size cap is said above the uploader"
    at.file_uploader[0].set_value(("pets.csv", GOOD.encode(), "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    t = at.session_state["project"]["training"]
    assert t["dataset"] == "csv" and t["dataset_options"] == {"text": GOOD, "target": "kind"}
    assert any("**pets.csv** · 40 rows" in m.value for m in at.markdown)
    # SimpleNet's Input is [64]: builder's agreement says so beside the data, naming the node and its fix
    assert any(w.value.startswith("in: gives [64]") and "Fix: set in.shape to [4]" in w.value for w in at.warning)
    at.file_uploader[0].set_value(("gaps.csv", GAPS.encode(), "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "gaps.csv: missing values in 'age' (1), 'income' (1)" in errors and "not changed" in errors
    assert at.session_state["project"]["training"]["dataset_options"] == {"text": GOOD, "target": "kind"}
    assert any("**uploaded CSV** · 40 rows" in m.value for m in at.markdown)  # the kept data, not gaps.csv
    at.file_uploader[0].set_value(("blank.csv", b"", "text/csv")).run()
    assert any("blank.csv: the file is empty" in e.value for e in at.error)
    assert at.session_state["project"]["training"]["dataset_options"]["text"] == GOOD
