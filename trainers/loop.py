"""The training loop: tensor batches by shuffled index, four hooks that share one `logs` dict."""
import contextlib
import math
from dataclasses import dataclass

import torch
import torch._dynamo  # noqa: F401  optimizers import it on their first step (~2 s): do it before any thread

from i18n import N_
from .evaluate import evaluate, predicted_classes
from .losses import compute_loss, make_loss
from .optimizers import make_optimizer
from .schedules import make_schedule
from .settings import TrainingSettings


class Callback:
    """Override any of the four hooks; each gets the loop's `logs` dict (set logs["stop"] to end the run)."""

    def on_train_begin(self, logs: dict) -> None: ...
    def on_step_end(self, logs: dict) -> None: ...
    def on_epoch_end(self, logs: dict) -> None: ...
    def on_train_end(self, logs: dict) -> None: ...


@dataclass(eq=False)
class LoopData:
    x_train: torch.Tensor        # (N, *input_shape) on the device
    y_train: torch.Tensor        # targets in the form the loss wants (class ids, one-hot, values)
    x_val: torch.Tensor
    y_val: torch.Tensor
    labels_train: torch.Tensor | None = None  # class ids when y is one-hot (BCE/MSE on classes)
    labels_val: torch.Tensor | None = None
    task: str = "classification"
    target_scale: float = 1.0
    augment: object = None  # the data set's training-batch transform (picture flips and shifts), or None


def autocast_for(settings: TrainingSettings, device: torch.device):
    """bfloat16 autocast on CUDA when amp is on (needs no gradient scaler), otherwise a no-op."""
    if settings.amp and device.type == "cuda":
        return lambda: torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext


def _batch(data: LoopData, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One training batch, through the data set's augmentation (picture flips and shifts) when it has one."""
    xb = data.x_train[idx]
    return (xb if data.augment is None else data.augment(xb)), data.y_train[idx]


def train(model: torch.nn.Module, data: LoopData, settings: TrainingSettings, device: torch.device,
          callbacks=()) -> dict:
    """Train `model` in place; returns the final logs. Same seed and data give the same loss curve."""
    loss_fn = make_loss(settings.loss)
    optimizer = make_optimizer(settings.optimizer, model.parameters())
    n = len(data.x_train)
    batch, steps_per_epoch = min(settings.batch_size, n), math.ceil(n / min(settings.batch_size, n))
    schedule = make_schedule(settings.schedule, optimizer, steps_per_epoch * settings.epochs, steps_per_epoch)
    autocast = autocast_for(settings, device)
    shuffle = torch.Generator().manual_seed(settings.seed)
    torch.manual_seed(settings.seed)  # dropout and other randomness inside the model
    logs = _first_logs(settings.epochs, steps_per_epoch, batch, model=model, optimizer=optimizer,
                       loss_fn=loss_fn, autocast=autocast)
    best, stale = math.inf, 0
    classify = data.task == "classification"
    labels = data.labels_train if data.labels_train is not None else data.y_train
    model.train()
    _call(callbacks, "on_train_begin", logs)
    for epoch in range(settings.epochs):
        order = torch.randperm(n, generator=shuffle).to(device)
        loss_sum, seen, correct, counted = 0.0, 0, torch.zeros((), device=device, dtype=torch.long), 0
        for i in range(steps_per_epoch):
            idx = order[i * batch:(i + 1) * batch]
            xb, yb = _batch(data, idx)
            with autocast():
                out = model(xb)
            loss = compute_loss(loss_fn, out.float(), yb)
            if classify:  # running train accuracy, kept on the device: no extra sync per step
                correct += (predicted_classes(out.detach()) == labels[idx]).sum()
                counted += labels[idx].numel()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            value = loss.item()
            finite = math.isfinite(value)
            if finite:  # a NaN/inf step is not applied, so the weights stay usable
                if settings.grad_clip:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), settings.grad_clip)
                optimizer.step()
                if schedule is not None:
                    schedule.step()
                loss_sum += value * len(idx)
                seen += len(idx)
            logs.update(step=logs["step"] + 1, samples=logs["samples"] + len(idx), loss=value,
                        nonfinite=not finite, lr=optimizer.param_groups[0]["lr"])
            _call(callbacks, "on_step_end", logs)
            if logs["stop"]:
                break
        if logs["stop"]:
            break
        logs.update(epoch=epoch + 1, train_loss=loss_sum / seen if seen else math.nan)
        if classify:
            logs["train_accuracy"] = int(correct) / max(counted, 1)
        logs.update(_val_metrics(model, loss_fn, data, autocast))
        _call(callbacks, "on_epoch_end", logs)
        if settings.early_stopping and data.x_val.numel():
            best, stale = _early_stopping(logs, best, stale, settings.early_stopping)
        if logs["stop"]:
            break
    _call(callbacks, "on_train_end", logs)
    return logs


def _first_logs(epochs: int, steps_per_epoch: int, batch: int, **objects) -> dict:
    """The logs dict the hooks see before the first step; objects: model, optimizer, loss_fn, autocast."""
    return {"step": 0, "epoch": 0, "epochs": epochs, "steps_per_epoch": steps_per_epoch,
            "total_steps": steps_per_epoch * epochs, "batch_size": batch, "samples": 0, "loss": None,
            "lr": objects["optimizer"].param_groups[0]["lr"], "nonfinite": False, "stop": None, **objects}


def _early_stopping(logs: dict, best: float, stale: int, patience: int) -> tuple[float, int]:
    """(best val_loss, epochs without improvement) after this epoch; sets logs["stop"] when patience ran out."""
    if logs["val_loss"] < best - 1e-6:
        return logs["val_loss"], 0
    stale += 1
    if stale >= patience:
        logs["stop"] = N_("early stopping: val_loss did not improve for {stale} epochs", stale=stale)
    return best, stale


def _val_metrics(model, loss_fn, data: LoopData, autocast) -> dict:
    """val_loss and val_accuracy, or val_mae and val_r2, over the whole validation split."""
    val = evaluate(model, loss_fn, data.x_val, data.y_val, data.task, data.labels_val,
                   target_scale=data.target_scale, autocast=autocast)
    out = {f"val_{key}": value for key, value in val.items()}
    out.setdefault("val_loss", math.nan)
    return out


def _call(callbacks, hook: str, logs: dict) -> None:
    for cb in callbacks:
        getattr(cb, hook)(logs)
