"""Learning-rate schedules keyed by their saved name, all stepped once per optimizer step."""
import torch

from i18n import N_

from .errors import TrainingError, finite_numbers, unknown

# name -> {option: default}; max_lr None means the optimizer's own lr. Exported scripts use these too.
SCHEDULE_OPTIONS = {"none": {}, "step": {"step_size": 10, "gamma": 0.1}, "cosine": {"eta_min": 0.0},
                    "one-cycle": {"max_lr": None, "pct_start": 0.3}}


def _none(opt, total_steps, steps_per_epoch, options):
    return None


def _step(opt, total_steps, steps_per_epoch, options):
    # step_size counts epochs in the project file, the scheduler counts optimizer steps
    every = max(1, int(options["step_size"]) * steps_per_epoch)
    return torch.optim.lr_scheduler.StepLR(opt, every, gamma=float(options["gamma"]))


def _cosine(opt, total_steps, steps_per_epoch, options):
    return torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(1, total_steps), eta_min=float(options["eta_min"]))


def _one_cycle(opt, total_steps, steps_per_epoch, options):
    max_lr = float(options["max_lr"] if options["max_lr"] is not None else opt.param_groups[0]["lr"])
    return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=max(2, total_steps) + 1,
                                               pct_start=float(options["pct_start"]))


SCHEDULES = {"none": _none, "step": _step, "cosine": _cosine, "one-cycle": _one_cycle}


def check_schedule(spec: dict) -> None:
    name = spec.get("type", "none")
    if name not in SCHEDULES:
        raise unknown("schedule", name, SCHEDULES, "training.schedule.type")
    for key in spec:
        if key != "type" and key not in SCHEDULE_OPTIONS[name]:
            raise TrainingError(N_("training.schedule.{key}: the '{name}' schedule has no option '{key}' (options: "
                                   "{value})",
                                   key=key, name=name, value=', '.join(SCHEDULE_OPTIONS[name]) or 'none'))
        if key != "type" and spec[key] is not None:
            finite_numbers(f"training.schedule.{key}", spec[key])  # a NaN gamma would export `inf` as a name


def schedule_options(spec: dict) -> dict:
    """Every option of the schedule `spec` names: the file's values over the defaults."""
    check_schedule(spec)
    return {**SCHEDULE_OPTIONS[spec.get("type", "none")], **{k: v for k, v in spec.items() if k != "type"}}


def make_schedule(spec: dict, opt, total_steps: int, steps_per_epoch: int):
    """A torch LR scheduler, or None for a constant learning rate."""
    return SCHEDULES[spec.get("type", "none")](opt, total_steps, steps_per_epoch, schedule_options(spec))
