"""A lesson's challenge judged on the server from the project a run really trained and its final snapshot.

challenge: {"metric": "val_accuracy", "op": ">=", "value": 0.95,            # the target
            "max_params": 5000, "layers": ["Linear", "ReLU"],             # optional constraints
            "dataset": "digits", "max_epochs": 10}
Nothing here trusts the browser: the project and snapshot come from the run registry or the store.
"""
from __future__ import annotations

import math

import builder
from i18n import _
from trainers.settings import TrainingSettings

OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b}
NUMBER_KEYS = ("max_params", "max_epochs")


def clean(challenge) -> dict | None:
    """The challenge with only keys we know and values of the right kind; None when it has no target."""
    if not isinstance(challenge, dict) or not isinstance(challenge.get("metric"), str):
        return None
    value = challenge.get("value")
    if challenge.get("op") not in OPS or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    out = {"metric": challenge["metric"][:40], "op": challenge["op"], "value": float(value)}
    for key in NUMBER_KEYS:
        if isinstance(challenge.get(key), int) and challenge[key] > 0:
            out[key] = challenge[key]
    layers = challenge.get("layers")
    if isinstance(layers, list) and layers and all(isinstance(t, str) for t in layers):
        out["layers"] = sorted(set(layers))[:100]
    if isinstance(challenge.get("dataset"), str):
        out["dataset"] = challenge["dataset"][:60]
    return out


def final_value(snapshot: dict | None, metric: str) -> float | None:
    """The metric's last-epoch value in a snapshot (None before the first epoch or when not finite)."""
    values = ((snapshot or {}).get("epochs") or {}).get(metric) or []
    last = values[-1] if values else None
    return float(last) if isinstance(last, (int, float)) and math.isfinite(last) else None


def better(op: str, a: float | None, b: float | None) -> bool:
    """True when metric value `a` beats `b` for a target with `op` (>= wants higher, <= lower)."""
    if a is None:
        return False
    return b is None or (a > b if op != "<=" else a < b)


def constraint_problems(challenge: dict, project: dict) -> list[str]:
    """Why the trained project breaks the challenge's rules (parameters, layer types, data set, epochs)."""
    problems = []
    try:
        report = builder.check(builder.load_project(project))
    except Exception as exc:  # a stored project that no longer parses meets nothing
        return [_("the project cannot be read: {error}").format(error=exc)]
    if "max_params" in challenge and report.total_params > challenge["max_params"]:
        problems.append(_("{n} parameters: at most {limit} are allowed").format(
            n=f"{report.total_params:,}", limit=f"{challenge['max_params']:,}"))
    allowed = set(challenge.get("layers") or []) | {"Input"}
    for node in (project.get("graph") or {}).get("nodes", []) if challenge.get("layers") else []:
        if node.get("type") not in allowed:
            problems.append(_("layer {node} is a {type}: allowed are {allowed}").format(
                node=node.get("id"), type=node.get("type"), allowed=", ".join(challenge["layers"])))
    training = project.get("training") or {}
    if "dataset" in challenge and training.get("dataset") != challenge["dataset"]:
        problems.append(_("data set {got}: the challenge is on {want}").format(
            got=training.get("dataset"), want=challenge["dataset"]))
    epochs = training.get("epochs", TrainingSettings.epochs)  # what a run without the field trains for
    if "max_epochs" in challenge and (not isinstance(epochs, int) or epochs > challenge["max_epochs"]):
        problems.append(_("{n} epochs: at most {limit} are allowed").format(n=epochs, limit=challenge["max_epochs"]))
    return problems


def judge(challenge: dict, project: dict, snapshot: dict | None) -> tuple[bool, float | None, list[str]]:
    """(met, the run's final metric value, why not) for one run."""
    problems = constraint_problems(challenge, project)
    status = (snapshot or {}).get("status")
    value = final_value(snapshot, challenge["metric"])
    if status != "finished":
        problems.append(_("the run has not finished ({status})").format(status=status or "queued"))
    elif value is None:
        problems.append(_("the run has no {metric}").format(metric=challenge["metric"]))
    elif not OPS[challenge["op"]](value, challenge["value"]):
        problems.append(_("{metric} {value:.3f}: the target is {op} {target:g}").format(
            metric=challenge["metric"], value=value, op=challenge["op"], target=challenge["value"]))
    return not problems, value, problems


def best(challenge: dict, runs: list[tuple[dict, dict | None]]) -> dict:
    """Over a student's runs [(project, snapshot)]: {"met", "value" (best meeting value), "why" (of the latest)}."""
    met_value, why = None, [_("no run yet")]
    for i, (project, snapshot) in enumerate(runs):
        ok, value, problems = judge(challenge, project, snapshot)
        if ok and better(challenge["op"], value, met_value):
            met_value = value
        if i == len(runs) - 1:
            why = problems
    met = met_value is not None
    return {"met": met, "value": met_value, "why": [] if met else why}
