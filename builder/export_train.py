"""The training part of an exported script: the project's data set, split, loss, optimizer and one readable loop."""
from __future__ import annotations

import math
import re

from .export_code import file_stem, literal, text
from .export_data import data_function
from .report import Report

CLASS_INDEX_LOSSES = ("CrossEntropyLoss", "NLLLoss")  # targets are class ids, outputs are scores
LOSSES = CLASS_INDEX_LOSSES + ("BCEWithLogitsLoss", "MSELoss", "L1Loss", "HuberLoss")
OPTIMIZERS = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad")
DEFAULTS = {"dataset": "digits", "dataset_options": {}, "loss": "CrossEntropyLoss",
            "optimizer": {"type": "Adam", "lr": 0.001}, "schedule": {"type": "none"}, "batch_size": 64,
            "epochs": 10, "val_fraction": 0.2, "grad_clip": None, "seed": 0}
_SCHEDULES = {  # the trainers' schedules, all stepped once per optimizer step
    "step": "torch.optim.lr_scheduler.StepLR(optimizer, max(1, {step_size} * steps_per_epoch), gamma={gamma})",
    "cosine": "torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, max(1, total_steps), eta_min={eta_min})",
    "one-cycle": "torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr={max_lr}, "
                 "total_steps=max(2, total_steps) + 1, pct_start={pct_start})",
}
_SCHEDULE_DEFAULTS = {"step_size": 10, "gamma": 0.1, "eta_min": 0.0, "pct_start": 0.3}


def _settings(training: dict) -> dict:
    s = {**DEFAULTS, **{k: v for k, v in (training or {}).items() if k in DEFAULTS and v is not None}}
    if isinstance(s["optimizer"], str):
        s["optimizer"] = {"type": s["optimizer"]}
    if isinstance(s["schedule"], str):
        s["schedule"] = {"type": s["schedule"]}
    for key, kind in (("optimizer", dict), ("schedule", dict), ("dataset_options", dict), ("dataset", str),
                      ("loss", str)):
        if not isinstance(s[key], kind):
            raise ValueError(f"training.{key}: expected {'an object' if kind is dict else 'a name'}, got {s[key]!r}")
    if s["loss"] not in LOSSES:
        raise ValueError(f"training.loss: '{text(s['loss'], 60)}' cannot be exported (losses: {', '.join(LOSSES)})")
    if s["optimizer"].get("type") not in OPTIMIZERS:
        raise ValueError(f"training.optimizer.type: '{text(s['optimizer'].get('type'), 60)}' cannot be exported "
                         f"(optimizers: {', '.join(OPTIMIZERS)})")
    for key, value in s["optimizer"].items():
        if key != "type" and not re.fullmatch(r"[a-z_]+", key):
            raise ValueError(f"training.optimizer.{text(key, 60)}: not an optimizer argument")
    for part in ("optimizer", "schedule"):  # NaN/inf would be written as the undefined names nan/inf
        for key, value in s[part].items():
            if any(isinstance(v, float) and not math.isfinite(v) for v in (value if isinstance(value, list) else [value])):
                raise ValueError(f"training.{part}.{text(key, 60)}: expected a finite number, got {value!r}")
    for key in ("batch_size", "epochs", "seed"):
        if isinstance(s[key], bool) or not isinstance(s[key], int):
            raise ValueError(f"training.{key}: expected an integer, got {s[key]!r}")
    if not isinstance(s["val_fraction"], (int, float)) or not 0 <= s["val_fraction"] < 1:
        raise ValueError(f"training.val_fraction: expected a number in [0, 1), got {s['val_fraction']!r}")
    return s


def _target_lines(loss: str, task: str, out_shape: tuple) -> list[str]:
    """Turn the data set's targets into what the loss expects (as trainers.losses.adapt_target does)."""
    if loss in CLASS_INDEX_LOSSES:
        if task != "classification":
            raise ValueError(f"training.loss: {loss} needs class labels, but the data set is a regression task")
        return []
    if task == "classification":
        if tuple(out_shape) == (1,):
            return ["y = y.float().unsqueeze(-1)  # two classes as one 0/1 column"]
        return [f"y = nn.functional.one_hot(y, {out_shape[-1]}).float()  # class ids -> one-hot"]
    return [f"y = y.reshape(len(y), {', '.join(map(str, out_shape))})  # the model's output shape"]


def _optimizer(spec: dict) -> str:
    args = ", ".join(f"{k}={literal(v)}" for k, v in spec.items() if k != "type")
    return f"torch.optim.{spec['type']}(model.parameters(){', ' if args else ''}{args})"


def _schedule(spec: dict) -> str | None:
    kind = spec.get("type", "none")
    if kind == "none":
        return None
    if kind not in _SCHEDULES:
        raise ValueError(f"training.schedule.type: '{text(kind, 60)}' cannot be exported")
    values = {**_SCHEDULE_DEFAULTS, "max_lr": "optimizer.param_groups[0][\"lr\"]",
              **{k: float(v) for k, v in spec.items() if k != "type"}}
    return _SCHEDULES[kind].format(**values)


def training_source(training: dict, report: Report, cls: str) -> tuple[str, tuple, str]:
    """(the script's main() with its helpers, imports they need, the usage line)."""
    s = _settings(training)
    options = dict(s["dataset_options"])
    if s["dataset"] == "csv" and not options.get("task"):  # decided by the loss, as the script cannot see the file
        options["task"] = "classification" if s["loss"] in CLASS_INDEX_LOSSES else "regression"
    load, call, code = data_function(s["dataset"], options)
    task = "regression" if options.get("autoencode") else options.get("task") or code.task
    inp, out = report.input_node, report.output_node
    in_shape, out_shape = tuple(report.shapes[inp]), tuple(report.shapes[out])
    class_ids = s["loss"] in CLASS_INDEX_LOSSES
    size = 1
    for d in in_shape:
        size *= d
    prep = [f"if x[0].numel() != {size}:",
            f"    raise SystemExit(f\"the data set gives {{list(x.shape[1:])}} per sample, but the model's Input "
            f"takes {list(in_shape)} ({size} values)\")",
            f"x = x.reshape(len(x), {', '.join(map(str, in_shape))})  # the Input node's shape"]
    if options.get("autoencode"):
        prep.append("y = x.clone()  # autoencoder: the target is the input")
    prep += _target_lines(s["loss"], task, out_shape)
    order = ("torch.arange(n)  # chronological: validate on the latest part" if code.ordered else
             "torch.randperm(n, generator=torch.Generator().manual_seed(SEED))")
    std = []
    if code.standardise:
        std += ["    mean, std = x_train.mean(0), x_train.std(0).clamp_min(1e-6)  # training split statistics only",
                "    x_train, x_val = (x_train - mean) / std, (x_val - mean) / std"]
    if code.standardise_target and task == "regression":
        std += ["    mean, std = y_train.mean(0), y_train.std(0).clamp_min(1e-6)",
                "    y_train, y_val = (y_train - mean) / std, (y_val - mean) / std"]
    loss_expr = ("loss_fn(output.reshape(-1, output.shape[-1]), target.reshape(-1))  # (B*T, V) for sequences"
                 if class_ids and len(out_shape) > 1 else "loss_fn(output, target)")
    accuracy = ("            correct += (output.argmax(-1) == target).float().mean().item() * len(target)\n"
                if class_ids else "")
    result = "total / len(x), correct / len(x)" if class_ids else "total / len(x), None"
    sched = _schedule(s["schedule"])
    clip = s["grad_clip"]
    snake = file_stem(cls)
    lines = [
        f"INPUT_SHAPE = {literal(list(in_shape))}",
        f"EPOCHS = {s['epochs']}",
        f"BATCH_SIZE = {s['batch_size']}",
        f"VAL_FRACTION = {s['val_fraction']!r}",
        f"SEED = {s['seed']}",
        "", "", load, "",
        "def split(x, y):",
        "    \"\"\"Train/validation split; standardisation (if any) uses the training split's statistics.\"\"\"",
        "    n = len(x)",
        "    n_val = min(int(round(n * VAL_FRACTION)), n - 1) if VAL_FRACTION > 0 else 0",
        f"    order = {order}",
        "    train, val = order[: n - n_val], order[n - n_val:]",
        "    x_train, x_val, y_train, y_val = x[train], x[val], y[train], y[val]",
        *std,
        "    return x_train, y_train, x_val, y_val",
        "", "",
        "def compute_loss(loss_fn, output, target):",
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
        *([accuracy.rstrip("\n")] if accuracy else []),
        f"    return {result}",
        "", "",
        "def main(argv=None):",
        "    import argparse",
        f"    ap = argparse.ArgumentParser(description=\"Train {cls} on '{text(s['dataset'], 40)}'.\")",
        "    ap.add_argument(\"--epochs\", type=int, default=EPOCHS)",
        "    ap.add_argument(\"--weights\", help=\"start from this state_dict file (e.g. downloaded from NeuroCanvas)\")",
        f"    ap.add_argument(\"--save\", default=\"{snake}.pt\", help=\"where to save the trained state_dict\")",
        "    args = ap.parse_args(argv)",
        "    torch.manual_seed(SEED)",
        "    device = \"cuda\" if torch.cuda.is_available() else \"cpu\"",
        f"    x, y = {call}",
        *[f"    {p}" for p in prep],
        "    x_train, y_train, x_val, y_val = (t.to(device) for t in split(x, y))",
        f"    model = {cls}().to(device)",
        "    if args.weights:",
        "        model.load_state_dict(torch.load(args.weights, map_location=device, weights_only=True))",
        f"    loss_fn = nn.{s['loss']}()",
        f"    optimizer = {_optimizer(s['optimizer'])}",
        *(["    steps_per_epoch = math.ceil(len(x_train) / BATCH_SIZE)"] if sched else []),
        *(["    total_steps = args.epochs * steps_per_epoch"] if sched and "total_steps" in sched else []),
        f"    scheduler = {sched}" if sched else "    scheduler = None  # constant learning rate",
        "    shuffle = torch.Generator().manual_seed(SEED)",
        "    for epoch in range(1, args.epochs + 1):",
        "        model.train()",
        "        total = 0.0",
        "        for batch in torch.randperm(len(x_train), generator=shuffle).to(device).split(BATCH_SIZE):",
        "            loss = compute_loss(loss_fn, model(x_train[batch]), y_train[batch])",
        "            optimizer.zero_grad()",
        "            loss.backward()",
        *([f"            nn.utils.clip_grad_norm_(model.parameters(), {float(clip)!r})"] if clip else []),
        "            optimizer.step()",
        "            if scheduler is not None:",
        "                scheduler.step()",
        "            total += loss.item() * len(batch)",
        "        line = f\"epoch {epoch}/{args.epochs}  train_loss {total / len(x_train):.4f}\"",
        "        if len(x_val):",
        "            val_loss, val_accuracy = evaluate(model, loss_fn, x_val, y_val)",
        "            line += f\"  val_loss {val_loss:.4f}\"",
        "            if val_accuracy is not None:",
        "                line += f\"  val_accuracy {val_accuracy:.3f}\"",
        "        print(line, flush=True)",
        "    torch.save(model.state_dict(), args.save)",
        "    print(f\"saved the trained weights to {args.save}\")",
    ]
    imports = (("math",) if sched else ()) + (("numpy as np",) if "np." in load else ())
    imports += tuple(i for i in code.imports if i not in imports)
    usage = f"python {snake}.py [--epochs N] [--weights start.pt] [--save out.pt]"
    if code.needs:
        usage += f"  (the '{s['dataset']}' data set also needs {code.needs})"
    return "\n".join(lines), imports, usage
