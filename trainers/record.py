"""What a job has measured so far: progress, the per-step curve, per-epoch history (guarded by the job's lock)."""
import time

from .metrics import Curve, EpochHistory, Throughput, plain

EPOCH_KEYS = ("train_loss", "val_loss", "lr", "train_accuracy", "val_accuracy", "val_mae", "val_r2")


class Record:
    def __init__(self, device: str, epochs: int):
        self.steps = Curve(["loss", "lr"], cap=1000, recent=200)
        self.epochs = EpochHistory()
        self.rate = Throughput()
        self.running_s = 0.0
        self.samples = 0
        self.started_at = None
        self.progress = {"step": 0, "epoch": 0, "epochs": epochs, "steps_per_epoch": 0, "total_steps": 0,
                         "fraction": 0.0, "loss": None, "lr": None, "samples_per_s": 0.0, "elapsed_s": 0.0,
                         "eta_s": None, "device": device}

    def begin(self, logs: dict) -> None:
        self.started_at = time.time()
        self.progress.update(steps_per_epoch=logs["steps_per_epoch"], total_steps=logs["total_steps"],
                             lr=logs["lr"])

    def step(self, logs: dict, running_s: float) -> None:
        step, total = logs["step"], logs["total_steps"]
        self.running_s, self.samples = running_s, logs["samples"]
        self.steps.append(step, {"loss": logs["loss"], "lr": logs["lr"]})
        self.rate.add(running_s, self.samples)
        per_step = running_s / step
        self.progress.update(step=step, fraction=step / total if total else 0.0, loss=plain(logs["loss"]),
                             lr=logs["lr"], samples_per_s=self.rate.rate(running_s, self.samples),
                             elapsed_s=running_s, eta_s=per_step * (total - step))

    def epoch(self, logs: dict, running_s: float) -> None:
        self.running_s = running_s  # the average throughput counts every epoch's validation, the last one too
        self.epochs.append(logs["epoch"], {k: logs[k] for k in EPOCH_KEYS if k in logs})
        self.progress.update(epoch=logs["epoch"], elapsed_s=running_s)

    def final(self, task: str) -> dict:
        """The CLI's closing JSON line: last epoch's losses and metrics, average throughput."""
        out = {"train_loss": self.epochs.last("train_loss"), "val_loss": self.epochs.last("val_loss")}
        if task == "classification":
            out["val_accuracy"] = self.epochs.last("val_accuracy")
        else:
            out["val_mae"], out["val_r2"] = self.epochs.last("val_mae"), self.epochs.last("val_r2")
        out["samples_per_s"] = self.samples / self.running_s if self.running_s > 0 else 0.0
        out["epochs"] = self.progress["epoch"]
        out["steps"] = self.progress["step"]
        return out
