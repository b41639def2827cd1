"""All limits in one dataclass, each overridable by NEUROCANVAS_<FIELD>; a typo never lifts a limit."""
import dataclasses

from builder import check
from builder.limits import Limits, current
from hostile_craft import project


def test_every_limit_reads_its_env_var_and_ignores_typos():
    for f in dataclasses.fields(Limits):
        if f.name == "dataset_options":
            continue
        assert getattr(current({f"NEUROCANVAS_{f.name.upper()}": "7"}), f.name) == 7
        default = getattr(Limits(), f.name)
        for typo in ("", "lots", "-5", "0", "1e9"):
            assert getattr(current({f"NEUROCANVAS_{f.name.upper()}": typo}), f.name) == default


def test_a_training_section_of_the_wrong_shape_never_breaks_the_budget():
    for optimizer in (["Adam"], 3, None, {"type": ["SGD"]}):
        report = check(project(optimizer=optimizer, batch_size="many"))
        assert report.ok, [str(p) for p in report.errors]
