"""The training part of an exported script: the project's data set, split, loss, optimizer and one readable loop.

Names, defaults and validation are trainers' own (TrainingSettings, LOSSES, OPTIMIZERS, SCHEDULE_OPTIONS and the
data set catalogue); this module only writes them as Python.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from builder.calls import literal
from builder.checked_project import Checked
from trainers.datasets import load_dataset
from trainers.losses import CLASS_INDEX_LOSSES, LOSSES
from trainers.optimizers import DEFAULT_OPTIMIZER, OPTIMIZERS
from trainers.schedules import schedule_options
from trainers.settings import TrainingSettings

from .data import data_function
from .loop import loop_lines
from .names import file_stem, text

DEFAULTS = TrainingSettings()  # what a field the project leaves out trains with: trainers' own definition

# How the script writes each of trainers' schedules (trainers/schedules.py builds the same, step by step).
SCHEDULE_SOURCE = {
    "step": lambda o: (f"torch.optim.lr_scheduler.StepLR(optimizer, max(1, {int(o['step_size'])} * steps_per_epoch), "
                       f"gamma={float(o['gamma'])!r})"),
    "cosine": lambda o: (f"torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, max(1, total_steps), "
                         f"eta_min={float(o['eta_min'])!r})"),
    "one-cycle": lambda o: ("torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr="
                            + ("optimizer.param_groups[0][\"lr\"]" if o["max_lr"] is None else repr(float(o["max_lr"])))
                            + f", total_steps=max(2, total_steps) + 1, pct_start={float(o['pct_start'])!r})"),
}


# The data set options that decide the task and scaling; sizes and seeds never do, so the facts are read
# from a default-sized set (bounded work, shared by every project on that set).
FACT_OPTIONS = ("autoencode", "task", "text", "target")


@dataclass(frozen=True)
class DataFacts:
    """How trainers treat the data set: its task, and whether it standardises and splits in time order."""

    task: str
    standardise: bool = False
    standardise_target: bool = False
    ordered: bool = False


def _named(training: dict) -> dict:
    """The section with null values dropped; names the script cannot write are refused before trainers validate."""
    t = {k: v for k, v in (training or {}).items() if v is not None}
    for key in ("optimizer", "schedule"):
        if isinstance(t.get(key), str):
            t[key] = {"type": t[key]}
        if key in t and not isinstance(t[key], dict):
            raise ValueError(f"training.{key}: expected an object, got {t[key]!r}")
    if t.get("loss", DEFAULTS.loss) not in LOSSES:
        raise ValueError(f"training.loss: '{text(t['loss'], 60)}' cannot be exported (losses: {', '.join(LOSSES)})")
    kind = t.get("optimizer", {}).get("type", DEFAULT_OPTIMIZER["type"])
    if kind not in OPTIMIZERS:
        raise ValueError(f"training.optimizer.type: '{text(kind, 60)}' cannot be exported "
                         f"(optimizers: {', '.join(OPTIMIZERS)})")
    kind = t.get("schedule", {}).get("type", DEFAULTS.schedule["type"])
    if kind != "none" and kind not in SCHEDULE_SOURCE:
        raise ValueError(f"training.schedule.type: '{text(kind, 60)}' cannot be exported")
    return t


def _facts(settings: TrainingSettings, options: dict) -> DataFacts:
    """Read from the data set trainers build; one behind a file or a download is not read here (never a path
    a project names, never the network), and its task follows the loss."""
    if not ({"path", "download"} & {k for k, v in options.items() if v}):
        try:
            data = load_dataset(settings.dataset, **{k: v for k, v in options.items() if k in FACT_OPTIONS})
            return DataFacts(data.task, data.standardise, data.standardise_target, data.ordered)
        except (ValueError, OSError):  # trainers' TrainingError is a ValueError: a file that is not here
            pass
    task = options.get("task") or ("classification" if settings.loss in CLASS_INDEX_LOSSES else "regression")
    return DataFacts("regression" if options.get("autoencode") else task)


def _target_lines(loss: str, task: str, out_shape: tuple) -> list[str]:
    """Turn the data set's targets into what the loss expects (as trainers.losses.adapt_target does)."""
    if loss in CLASS_INDEX_LOSSES:
        if task != "classification":
            raise ValueError(f"training.loss: {loss} needs class labels, but the data set is a regression task")
        return []
    if task == "classification":
        if tuple(out_shape) == (1,):
            return ["y = y.float().unsqueeze(-1)  # two classes as one 0/1 column"]
        if not out_shape:
            return ["y = y.float()  # two classes as one 0/1 number per sample"]
        return [f"y = nn.functional.one_hot(y, {out_shape[-1]}).float()  # class ids -> one-hot"]
    if not out_shape:
        return ["y = y.reshape(len(y))  # one number per sample: the model's output shape"]
    return [f"y = y.reshape(len(y), {', '.join(map(str, out_shape))})  # the model's output shape"]


def _prep_lines(settings, options: dict, facts: DataFacts, in_shape: tuple, out_shape: tuple) -> list[str]:
    """Lines of main() between loading and splitting: the Input node's shape, then targets for the loss."""
    size = math.prod(in_shape)
    prep = [f"if x[0].numel() != {size}:",
            f"    raise SystemExit(f\"the data set gives {{list(x.shape[1:])}} per sample, but the model's Input "
            f"takes {list(in_shape)} ({size} values)\")",
            f"x = x.reshape(len(x), {', '.join(map(str, in_shape))})  # the Input node's shape"]
    if options.get("autoencode"):
        prep.append("y = x.clone()  # autoencoder: the target is the input")
    return prep + _target_lines(settings.loss, facts.task, out_shape)


def _split_lines(facts: DataFacts) -> list[str]:
    order = ("torch.arange(n)  # chronological: validate on the latest part" if facts.ordered else
             "torch.randperm(n, generator=torch.Generator().manual_seed(SEED))")
    std = []
    if facts.standardise:
        std += ["    mean, std = x_train.mean(0), x_train.std(0).clamp_min(1e-6)  # training split statistics only",
                "    x_train, x_val = (x_train - mean) / std, (x_val - mean) / std"]
    if facts.standardise_target and facts.task == "regression":
        std += ["    mean, std = y_train.mean(0), y_train.std(0).clamp_min(1e-6)",
                "    y_train, y_val = (y_train - mean) / std, (y_val - mean) / std"]
    return ["def split(x, y):",
            "    \"\"\"Train/validation split; standardisation (if any) uses the training split's statistics.\"\"\"",
            "    n = len(x)",
            "    n_val = min(int(round(n * VAL_FRACTION)), n - 1) if VAL_FRACTION > 0 else 0",
            f"    order = {order}",
            "    train, val = order[: n - n_val], order[n - n_val:]",
            "    x_train, x_val, y_train, y_val = x[train], x[val], y[train], y[val]",
            *std,
            "    return x_train, y_train, x_val, y_val"]


def _evaluate_lines(class_ids: bool, sequence_scores: bool) -> list[str]:
    loss_expr = ("loss_fn(output.reshape(-1, output.shape[-1]), target.reshape(-1))  # (B*T, V) for sequences"
                 if class_ids and sequence_scores else "loss_fn(output, target)")
    return ["def compute_loss(loss_fn, output, target):",
            f"    return {loss_expr}",
            "", "",
            "def evaluate(model, loss_fn, x, y, batch_size=1024):",
            "    \"\"\"Loss (and accuracy for class labels) on a held-out split, without dropout or gradients.\"\"\"",
            "    model.eval()",
            "    total, correct = 0.0, 0.0" if class_ids else "    total = 0.0",
            "    with torch.no_grad():",
            "        for i in range(0, len(x), batch_size):",
            "            output, target = model(x[i:i + batch_size]), y[i:i + batch_size]",
            "            total += compute_loss(loss_fn, output, target).item() * len(target)",
            *(["            correct += (output.argmax(-1) == target).float().mean().item() * len(target)"]
              if class_ids else []),
            "    return total / len(x), correct / len(x)" if class_ids else "    return total / len(x), None"]


def optimizer_source(spec: dict) -> str:
    args = ", ".join(f"{k}={literal(v)}" for k, v in spec.items() if k != "type")
    return f"torch.optim.{spec['type']}(model.parameters(){', ' if args else ''}{args})"


def schedule_source(spec: dict) -> str | None:
    kind = spec.get("type", "none")
    if kind == "none":
        return None
    return SCHEDULE_SOURCE[kind](schedule_options(spec))  # trainers' check: every option a finite number


def training_source(source: Checked, cls: str) -> tuple[str, tuple, str]:
    """(the script's main() with its helpers, imports they need, the usage line)."""
    settings = TrainingSettings.from_dict(_named(source.project.training))
    options = dict(settings.dataset_options)
    if settings.dataset == "csv" and not options.get("task"):  # decided by the loss: the script cannot see the file
        options["task"] = "classification" if settings.loss in CLASS_INDEX_LOSSES else "regression"
    load, call, code = data_function(settings.dataset, options)
    facts = _facts(settings, options)
    report = source.report
    in_shape, out_shape = tuple(report.shapes[report.input_node]), tuple(report.shapes[report.output_node])
    class_ids = settings.loss in CLASS_INDEX_LOSSES
    sched = schedule_source(settings.schedule)
    lines = [f"INPUT_SHAPE = {literal(list(in_shape))}", f"EPOCHS = {settings.epochs}",
             f"BATCH_SIZE = {settings.batch_size}", f"VAL_FRACTION = {settings.val_fraction!r}",
             f"SEED = {settings.seed}", "", "", load, "", *_split_lines(facts), "", "",
             *_evaluate_lines(class_ids, len(out_shape) > 1), "", "",
             *loop_lines(cls, file_stem(cls), text(settings.dataset, 40), call,
                         _prep_lines(settings, options, facts, in_shape, out_shape), settings.loss,
                         optimizer_source(settings.optimizer), sched, settings.grad_clip)]
    imports = (("math",) if sched else ()) + (("numpy as np",) if "np." in load else ())
    imports += tuple(i for i in code.imports if i not in imports)
    usage = f"python {file_stem(cls)}.py [--epochs N] [--weights start.pt] [--save out.pt]"
    if code.needs:
        usage += f"  (the '{settings.dataset}' data set also needs {code.needs})"
    return "\n".join(lines), imports, usage
