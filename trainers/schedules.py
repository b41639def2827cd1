"""Learning-rate schedules keyed by their saved name, all stepped once per optimizer step."""
import torch

from .errors import TrainingError, finite_numbers, unknown


def _none(opt, total_steps, steps_per_epoch, options):
    return None


def _step(opt, total_steps, steps_per_epoch, options):
    # step_size counts epochs in the project file, the scheduler counts optimizer steps
    every = max(1, int(options.get("step_size", 10)) * steps_per_epoch)
    return torch.optim.lr_scheduler.StepLR(opt, every, gamma=float(options.get("gamma", 0.1)))


def _cosine(opt, total_steps, steps_per_epoch, options):
    return torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(1, total_steps), eta_min=float(options.get("eta_min", 0.0)))


def _one_cycle(opt, total_steps, steps_per_epoch, options):
    max_lr = float(options.get("max_lr", opt.param_groups[0]["lr"]))
    return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=max(2, total_steps) + 1,
                                               pct_start=float(options.get("pct_start", 0.3)))


SCHEDULES = {"none": _none, "step": _step, "cosine": _cosine, "one-cycle": _one_cycle}
SCHEDULE_OPTIONS = {"none": (), "step": ("step_size", "gamma"), "cosine": ("eta_min",),
                    "one-cycle": ("max_lr", "pct_start")}


def check_schedule(spec: dict) -> None:
    name = spec.get("type", "none")
    if name not in SCHEDULES:
        raise unknown("schedule", name, SCHEDULES, "training.schedule.type")
    for key in spec:
        if key != "type" and key not in SCHEDULE_OPTIONS[name]:
            raise TrainingError(f"training.schedule.{key}: the '{name}' schedule has no option '{key}' "
                                f"(options: {', '.join(SCHEDULE_OPTIONS[name]) or 'none'})")
        if key != "type":
            finite_numbers(f"training.schedule.{key}", spec[key])  # a NaN gamma would export `inf` as a name


def make_schedule(spec: dict, opt, total_steps: int, steps_per_epoch: int):
    """A torch LR scheduler, or None for a constant learning rate."""
    check_schedule(spec)
    return SCHEDULES[spec.get("type", "none")](opt, total_steps, steps_per_epoch, spec)
