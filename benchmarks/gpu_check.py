"""The checks of gpu_check.sh (run that instead): one line per check, PASS / FAIL / SKIP, then the figures."""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from presets import list_presets, load_preset, target_result  # noqa: E402

FAILED = []


def line(ok, what: str) -> None:
    word = "SKIP" if ok is None else ("PASS" if ok else "FAIL")
    if ok is False:
        FAILED.append(what)
    print(f"{word} {what}", flush=True)


def cli_run(project: dict, device: str = "cuda", timeout: float = 120) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.json"
        path.write_text(json.dumps(project))
        out = subprocess.run([sys.executable, "-m", "trainers", "run", str(path), "--device", device], cwd=ROOT,
                             capture_output=True, text=True, timeout=timeout)
    if out.returncode:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def presets_meet_targets() -> None:
    for info in list_presets():
        project = load_preset(info.name)
        target = (project.get("lesson") or {}).get("target")
        start = time.perf_counter()
        try:
            final = cli_run(project)
        except Exception as exc:  # noqa: BLE001 - one line per check, whatever breaks
            line(False, f"preset {info.name} on cuda: {exc}")
            continue
        took = time.perf_counter() - start
        if not target:
            line(True, f"preset {info.name} on cuda: trained ({took:.1f} s, no target)")
            continue
        value, ok = target_result(target, {"epochs": {target["metric"]: [final.get(target["metric"])]}})
        line(ok, f"preset {info.name} on cuda: {target['metric']} {value} {target['op']} {target['value']} "
                 f"({took:.1f} s, {final.get('samples_per_s', 0):,.0f} samples/s)")


def exported_scripts_run() -> None:
    from builder.export_code import export_script
    for name in ("simplenet_digits", "lenet_digits"):
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "model.py"
            script.write_text(export_script(load_preset(name), training=True))
            out = subprocess.run([sys.executable, str(script), "--epochs", "1", "--save", str(Path(tmp) / "w.pt")],
                                 cwd=tmp, capture_output=True, text=True, timeout=120)
            tail = (out.stdout + out.stderr).strip().splitlines()[-1:] or [""]
            line(out.returncode == 0, f"exported script of {name} runs (torch picks cuda): exit {out.returncode}, last line: {tail[0][:120]}")


def four_share_one_gpu(backend, label: str, single: float | None) -> float | None:
    from runs.registry import Registry
    project = load_preset("lenet_digits")
    project["training"].update(epochs=2, device="cuda")
    reg = Registry(backend=backend, max_active=4, per_workspace=4)
    start = time.perf_counter()
    runs = [reg.submit(f"gpu_ws{i}", project) for i in range(4)]
    while not all(r.final for r in runs) and time.perf_counter() - start < 150:
        time.sleep(0.1)
    ok = all(r.status == "finished" and r.final["progress"]["device"] == "cuda" for r in runs)
    total = sum(r.final["progress"]["samples_per_s"] for r in runs if r.final) if ok else None
    ratio = f", {total / single:.2f}x one run alone" if total and single else ""
    errors = [r.snapshot().get("error") for r in runs if r.status != "finished"]
    line(ok, f"four LeNet runs share one GPU through {label}: {[r.status for r in runs]}"
             + (f", {total:,.0f} samples/s together{ratio}" if total else f" {errors[:1]}"))
    return total


def main() -> None:
    start = time.perf_counter()
    presets_meet_targets()
    exported_scripts_run()
    project = load_preset("lenet_digits")
    project["training"].update(epochs=2, device="cuda")
    single = cli_run(project)["samples_per_s"]
    print(f"INFO one LeNet run alone on cuda (python -m trainers run): {single:,.0f} samples/s", flush=True)
    from runs.pool import LocalPool
    pool = LocalPool(size=4)
    pool.ready(120)
    four_share_one_gpu(pool, "the local pool", single)
    pool.shutdown()
    try:
        import ray
    except ImportError:
        line(None, "four runs through Ray with 0.25 GPU each: ray is not installed (pip install -r requirements-ray.txt)")
    else:
        os.environ["NEUROCANVAS_GPUS_PER_RUN"] = "0.25"
        os.environ["NEUROCANVAS_CPUS_PER_RUN"] = "1"
        ray.init(num_gpus=1, num_cpus=max(4, os.cpu_count() or 4), include_dashboard=False)
        from runs.ray_backend import RayBackend
        four_share_one_gpu(RayBackend("auto"), "Ray actors with 0.25 GPU each", single)
        ray.shutdown()
    print(f"{'FAIL' if FAILED else 'PASS'} gpu_check: {len(FAILED)} check(s) failed in {time.perf_counter() - start:.0f} s",
          flush=True)
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
