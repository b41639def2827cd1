"""The one error type trainers raise for bad settings or data, with 'did you mean' help."""
import difflib
import math

from i18n import N_


class TrainingError(ValueError):
    """A problem a person can fix (bad setting, data set or shape); the message names the field."""


def unknown(kind: str, name, choices, field: str | None = None) -> TrainingError:
    """'unknown loss 'MSE' (training.loss); did you mean 'MSELoss'? choices: ...'."""
    choices = sorted(choices)
    where = f" ({field})" if field else ""
    lower = {c.lower(): c for c in choices}  # "adamw" should find "AdamW" before "Adam"
    close = difflib.get_close_matches(str(name).lower(), list(lower), n=1, cutoff=0.4)
    hint = N_("; did you mean '{name}'?", name=lower[close[0]]) if close else ""
    return TrainingError(N_("unknown {kind} '{name}'{where}{hint} choices: {choices}",
                            kind=kind, name=name, where=where, hint=hint, choices=', '.join(choices)))


def finite_numbers(field: str, value) -> None:
    """Raise TrainingError naming `field` unless value is a finite number (or a list of them, e.g. betas)."""
    values = value if isinstance(value, (list, tuple)) else [value]
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise TrainingError(N_("{field}: expected a finite number, got {value!r}", field=field, value=value))
