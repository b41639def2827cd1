"""The one error type trainers raise for bad settings or data, with 'did you mean' help."""
import difflib


class TrainingError(ValueError):
    """A problem a person can fix (bad setting, data set or shape); the message names the field."""


def unknown(kind: str, name, choices, field: str | None = None) -> TrainingError:
    """'unknown loss 'MSE' (training.loss); did you mean 'MSELoss'? choices: ...'."""
    choices = sorted(choices)
    where = f" ({field})" if field else ""
    lower = {c.lower(): c for c in choices}  # "adamw" should find "AdamW" before "Adam"
    close = difflib.get_close_matches(str(name).lower(), list(lower), n=1, cutoff=0.4)
    hint = f"; did you mean '{lower[close[0]]}'?" if close else ""
    return TrainingError(f"unknown {kind} '{name}'{where}{hint} choices: {', '.join(choices)}")


def finite_numbers(field: str, value) -> None:
    """Raise TrainingError naming `field` unless value is a finite number (or a list of them, e.g. betas)."""
    import math
    values = value if isinstance(value, (list, tuple)) else [value]
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise TrainingError(f"{field}: expected a finite number, got {value!r}")
