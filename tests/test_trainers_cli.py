"""`python -m trainers run FILE`: progress, one closing JSON line, readable errors and no tracebacks."""
import json
import subprocess
import sys

import pytest

import trainer_projects as P
from trainers.cli import main


def run(path, *args):
    return subprocess.run([sys.executable, "-m", "trainers", "run", str(path), *args], capture_output=True,
                          text=True, timeout=120, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})


@pytest.mark.slow  # a fresh interpreter imports torch (~10 s on a busy 2-core machine)
def test_run_ends_with_one_json_line(tmp_path):
    path = tmp_path / "mlp.json"
    path.write_text(json.dumps(P.seed_mlp(epochs=10)))
    result = run(path, "--epochs", "2", "--device", "cpu")
    assert result.returncode == 0, result.stderr
    final = json.loads(result.stdout.strip().splitlines()[-1])
    assert final["epochs"] == 2 and 0 < final["val_accuracy"] <= 1
    assert {"train_loss", "val_loss", "samples_per_s"} <= set(final)


@pytest.mark.parametrize("change, message", [
    (lambda p: p["graph"]["nodes"][1]["params"].update(out_features=0), "n0_linear"),
    (lambda p: p["training"].update(loss="MSE"), "did you mean 'MSELoss'"),
    (lambda p: p["training"].update(dataset="iris"), "in: gives [64] (64 values), but data set 'iris' has [4] per sample (4 values) (Fix: set in.shape to [4])"),
    (lambda p: p["training"].update(optimizer={"type": "Adam", "momentum": 0.9}), "training.optimizer.momentum"),
    (lambda p: (p["training"].update(dataset="reverse"), p["graph"]["nodes"][0]["params"].update(shape=[8])),
     "in: has dtype 'float', but data set 'reverse' gives long values"),
])
def test_bad_projects_name_the_problem_without_a_traceback(tmp_path, capsys, change, message):
    project = P.seed_mlp(epochs=1)
    change(project)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(project))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and str(path) in err


def test_missing_and_broken_files(tmp_path, capsys):
    assert main(["run", str(tmp_path / "none.json")]) == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert main(["run", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "none.json" in err and "broken.json" in err and "Traceback" not in err
