"""TrainingJob: one training run in a daemon thread, controlled by start/pause/resume/step/stop, read by snapshot()."""
import copy
import math
import pickle
import threading
import time

import torch

from . import model as networks
from .datasets import load_dataset, split
from .device import cpu_threads, pick_device
from i18n import N_, Message

from .errors import TrainingError
from .losses import adapt_target
from .loop import Callback, LoopData, train
from .probes import Prober
from .record import Record
from .settings import TrainingSettings

WAIT_S = 2.0  # how long pause/resume/step wait for the worker to confirm
SCHEMA = 1


class TrainingJob:
    """Train a project in the background. The UI talks to it only through these methods and snapshot().

    `job.model` is the trained module, available once the worker has ended (finished, stopped or
    failed), for export; while the thread runs use `job.state_dict()`, a consistent CPU copy.
    """

    def __init__(self, project=None, *, network: networks.Network | None = None, **overrides):
        if network is None:
            network = networks.from_project(project, overrides.get("seed"))
        self.network = network
        self.settings = TrainingSettings.from_dict({**network.training, **overrides})
        self.device = pick_device(self.settings.device)
        s = self.settings
        self.dataset = load_dataset(s.dataset, **s.dataset_options)
        shape = network.input_shape or self.dataset.input_shape
        data = split(self.dataset, shape, s.val_fraction, s.seed, self.device, network.input_node, network.input_dtype)
        if not any(p.requires_grad for p in network.model.parameters()):
            raise TrainingError(N_("the model has no trainable parameters: add a layer with weights (e.g. Linear)"))
        if self.dataset.dtype == "long":
            networks.check_vocabulary(network, self.dataset.n_classes, self.dataset.name)
        self._model = network.model.to(self.device)
        out_shape = networks.output_shape(network, data.x_train)
        y_train, y_val = (adapt_target(y, s.loss, out_shape, self.dataset.n_classes, network.output_node)
                          for y in (data.y_train, data.y_val))
        one_hot = y_train.dtype != data.y_train.dtype or y_train.shape != data.y_train.shape
        labels = one_hot and self.dataset.task == "classification"
        self.data = LoopData(data.x_train, y_train, data.x_val, y_val, data.y_train if labels else None,
                             data.y_val if labels else None, self.dataset.task, data.target_scale,
                             self.dataset.augment)
        self.info = data.info()
        self.prober = Prober(network, self.data, self.info, self.dataset.image_shape, s.probes)
        self._lock = threading.Condition()
        self._status, self._want, self._step_budget = "idle", "run", 0
        self._message = self._error = None
        self._probes, self._revision, self._result = None, 0, None  # _probes: the latest probe, pickled
        self._record = Record(self.device.type, s.epochs)
        self._thread = None

    @classmethod
    def from_module(cls, module: torch.nn.Module, training: dict | None = None, input_shape=None, **overrides):
        """Train a hand-written nn.Module; its direct children are probed as nodes."""
        return cls(network=networks.from_module(module, training, input_shape), **overrides)

    # -- control (called from the UI thread) ---------------------------------------------------------
    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("this job was already started; make a new TrainingJob to train again")
            self._status = "running"
            self._bump()
        if self.device.type == "cpu":
            torch.set_num_threads(cpu_threads())
        self._thread = threading.Thread(target=self._work, name="neurocanvas-training", daemon=True)
        self._thread.start()

    def pause(self, timeout: float = WAIT_S) -> bool:
        """Ask the worker to park after its current step; True once it has."""
        with self._lock:
            if self._status == "running":
                self._want = "pause"
            return self._lock.wait_for(lambda: self._status != "running", timeout)

    def resume(self, timeout: float = WAIT_S) -> bool:
        with self._lock:
            if self._status == "paused":
                self._want, self._message = "run", None
                self._lock.notify_all()
            return self._lock.wait_for(lambda: self._status != "paused", timeout)

    def step(self, timeout: float = WAIT_S) -> bool:
        """Train exactly one batch while paused; True when it is done (and the job is paused again)."""
        with self._lock:
            if self._status != "paused":
                return False
            target = self._record.progress["step"] + 1
            self._step_budget += 1
            self._lock.notify_all()
            return self._lock.wait_for(lambda: self._record.progress["step"] >= target or self._status != "paused",
                                       timeout)

    def stop(self, timeout: float = WAIT_S) -> bool:
        with self._lock:
            if self._status == "idle":
                self._status = "stopped"
                self._bump()
                return True
            self._want = "stop"
            self._lock.notify_all()
        return self.join(timeout)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker thread to end; True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    @property
    def model(self) -> torch.nn.Module:
        """The trained module, for export once the worker has ended (never while it trains)."""
        if self.running:
            raise RuntimeError("the job is still training: stop it or wait for it to finish before using job.model "
                               "(job.state_dict() gives a copy of the weights at any time)")
        return self._model

    @property
    def status(self) -> str:
        return self._status

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def message(self) -> str | None:
        return _plain(self._message)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- reading -----------------------------------------------------------------------------------
    def snapshot(self) -> dict:
        """Plain data for the UI: see docs/snapshot.md. Consistent (one lock) and bounded in size."""
        with self._lock:
            rec = self._record
            snap = {"schema": SCHEMA, "revision": self._revision, "status": self._status, "message": _plain(self._message),
                    "message_n": _msgid(self._message), "error": self._error, "settings": copy.deepcopy(self.settings.to_dict()),
                    "dataset": copy.deepcopy(self.info), "progress": dict(rec.progress), "steps": rec.steps.to_dict(),
                    "epochs": rec.epochs.to_dict(), "probes": self._probes}
        # the probe is pickled once by the worker; every reader unpickles its own copy (~20x faster than deepcopy)
        snap["probes"] = pickle.loads(snap["probes"]) if snap["probes"] is not None else None
        return snap

    def history(self) -> dict:
        """What fit() returns: status, message, per-epoch and per-step curves, and the final metrics."""
        snap = self.snapshot()
        with self._lock:
            final = self._record.final(self.dataset.task)
        return {"status": snap["status"], "message": snap["message"], "error": snap["error"],
                "epochs": snap["epochs"], "steps": snap["steps"], "final": final}

    def state_dict(self, timeout: float = WAIT_S) -> dict:
        """A CPU copy of the weights, taken between two steps."""
        with self._lock:
            if not self.running or self._status == "paused":
                return _cpu_copy(self._model)
            self._result = "want-weights"
            self._lock.wait_for(lambda: isinstance(self._result, dict) or not self.running, timeout)
            weights, self._result = self._result, None
        return weights if isinstance(weights, dict) else _cpu_copy(self._model)

    # -- the worker thread ---------------------------------------------------------------------------
    def _work(self) -> None:
        hooks = _Hooks(self)
        try:
            logs = train(self._model, self.data, self.settings, self.device, [hooks])
            with self._lock:
                stopped = self._want == "stop"
                self._status = "stopped" if stopped else "finished"
                # a stop keeps the reason it was paused for (e.g. the NaN message) when there was one
                self._message = (self._message or N_("stopped")) if stopped else logs.get("stop")
        except Exception as exc:  # noqa: BLE001 - the UI must see every failure as text
            with self._lock:
                self._status, self._error = "failed", _describe(exc)
        finally:
            with self._lock:
                self._want = "stop"
                self._bump()

    def _bump(self) -> None:
        self._revision += 1
        self._lock.notify_all()


class _Hooks(Callback):
    """Writes the loop's logs into the job's record, runs due probes, and parks while paused."""

    def __init__(self, job: TrainingJob):
        self.job = job
        self.banked_s = 0.0                  # running time before the current stretch
        self.since = time.perf_counter()     # start of the current un-paused stretch

    def running_s(self) -> float:
        return self.banked_s + time.perf_counter() - self.since

    def on_train_begin(self, logs):
        with self.job._lock:
            self.job._record.begin(logs)
            self.job._bump()

    def on_step_end(self, logs):
        job, step = self.job, logs["step"]
        running = self.running_s()
        probes = None
        job.prober.track(step, running)
        if job.prober.due(step, running) or logs["nonfinite"]:
            probes = pickle.dumps(job.prober.run(logs["model"], step, logs["autocast"], running), protocol=5)
            running = self.running_s()
            job.prober.adapt((running - job.prober.spent_s) / step)
        with job._lock:
            job._record.step(logs, running)
            if probes is not None:
                job._probes = probes
            if logs["nonfinite"]:
                job._message = (N_("loss became NaN at step {step}: try a lower learning rate (this step was not "
                                   "applied)", step=step) if math.isnan(logs["loss"]) else
                                N_("loss became infinite at step {step}: try a lower learning rate (this step was "
                                   "not applied)", step=step))
                job._want = "pause"
            if job._result == "want-weights":
                job._result = _cpu_copy(logs["model"])
            job._bump()
            self._checkpoint(logs)

    def _checkpoint(self, logs):
        """Called with the lock held: continue, park (paused), release one step, or stop."""
        job = self.job
        parked = False
        while True:
            if job._want == "stop":
                logs["stop"] = N_("stopped")
                break
            if job._want == "run" or job._step_budget > 0:
                job._step_budget = max(0, job._step_budget - 1) if job._want != "run" else 0
                job._status = "running" if job._want == "run" else "paused"
                break
            if not parked:
                self.banked_s, parked = self.running_s(), True
            job._status = "paused"
            if job._result == "want-weights":
                job._result = _cpu_copy(logs["model"])
            job._bump()
            job._lock.wait()
        if parked:
            self.since = time.perf_counter()
            job._bump()

    def on_epoch_end(self, logs):
        with self.job._lock:
            self.job._record.epoch(logs, self.running_s())
            self.job._bump()

    def on_train_end(self, logs):
        job = self.job
        if job.prober.enabled and job._record.progress["step"] and not logs["nonfinite"]:
            probes = pickle.dumps(job.prober.run(logs["model"], logs["step"], logs["autocast"], self.running_s()),
                                  protocol=5)
            with job._lock:
                job._probes = probes


def _cpu_copy(model) -> dict:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TrainingError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _plain(message) -> str | None:
    """The message as text in the worker's language (English): for logs and the command line."""
    return None if message is None else str(message)


def _msgid(message) -> list | None:
    """[msgid, {args}] of a Message, so the page renders it in each viewer's language; plain data (JSON, pickle)."""
    return [message.msgid, dict(message.args)] if isinstance(message, Message) else None
