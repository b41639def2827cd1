"""Ready lessons: the project files beside this module, their gallery metadata and their variants."""
from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
LANGS = ("en", "zh")


# How a target's metric reads on a card; values are the last epoch's entry in history["epochs"].
METRICS = {
    "val_accuracy": {"en": "validation accuracy", "zh": "验证集准确率"},
    "train_accuracy": {"en": "training accuracy", "zh": "训练集准确率"},
    "val_loss": {"en": "validation loss", "zh": "验证集损失"},
    "train_loss": {"en": "training loss", "zh": "训练集损失"},
    "val_r2": {"en": "validation R²", "zh": "验证集 R²"},
    "val_mae": {"en": "validation mean absolute error", "zh": "验证集平均绝对误差"},
}
OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b}


class PresetError(ValueError):
    pass


@dataclass(frozen=True)
class PresetInfo:
    name: str  # file stem, e.g. "simplenet_digits"
    order: int
    concept: str
    titles: dict  # lang -> title
    summaries: dict  # lang -> one line
    target: dict | None  # {"metric", "op", "value"}
    variants: tuple  # variant ids

    def title(self, lang="en") -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name


def load_preset(name: str) -> dict:
    path = HERE / f"{name}.json"
    if not path.is_file() or path.parent != HERE:
        choices = ", ".join(p.stem for p in sorted(HERE.glob("*.json")))
        raise PresetError(f"no preset named {name!r}; presets: {choices}")
    return json.loads(path.read_text(encoding="utf-8"))


def lesson(project: dict, lang: str = "en") -> dict | None:
    """The lesson text in `lang` (falling back to English), with the target; None for plain projects."""
    les = project.get("lesson")
    if not isinstance(les, dict):
        return None
    text = les.get(lang) or les.get("en") or {}
    return {**text, "target": les.get("target"), "concept": les.get("concept")}


def list_presets() -> list[PresetInfo]:
    """Every lesson's card, read once per version of the presets folder (a page lists them on every rerun)."""
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(HERE.glob("*.json")))
    return list(_read_presets(stamp))


@functools.lru_cache(maxsize=2)
def _read_presets(stamp: tuple) -> tuple:
    out = []
    for path in (HERE / name for name, _mtime, _size in stamp):
        data = json.loads(path.read_text(encoding="utf-8"))
        les = data.get("lesson") or {}
        out.append(PresetInfo(
            name=path.stem, order=les.get("order", 999), concept=les.get("concept", ""),
            titles={lang: (les.get(lang) or {}).get("title", data.get("name", path.stem)) for lang in LANGS},
            summaries={lang: (les.get(lang) or {}).get("summary", data.get("description", "")) for lang in LANGS},
            target=les.get("target"), variants=tuple(v["id"] for v in data.get("variants", []))))
    return tuple(sorted(out, key=lambda p: (p.order, p.name)))


def _set(project: dict, path: str, value, where: str) -> None:
    head, _, rest = path.partition(".")
    if head == "training":
        target, keys = project.setdefault("training", {}), rest.split(".")
    else:
        node = next((n for n in project["graph"]["nodes"] if n["id"] == head), None)
        if node is None:
            raise PresetError(f"{where}: \"{path}\" names node {head!r}, which the graph does not have")
        target, keys = node, rest.split(".")
    for k in keys[:-1]:
        target = target.setdefault(k, {})
    target[keys[-1]] = copy.deepcopy(value)


def apply_variant(project: dict, variant_id: str) -> dict:
    """A new project dict: the base with the variant's graph and settings applied."""
    variants = {v["id"]: v for v in project.get("variants", [])}
    if variant_id not in variants:
        raise PresetError(f"{project.get('name', 'project')}: no variant {variant_id!r}; "
                          f"variants: {', '.join(variants) or 'none'}")
    v = variants[variant_id]
    out = copy.deepcopy(project)
    if "graph" in v:
        out["graph"] = copy.deepcopy(v["graph"])
    for path, value in v.get("set", {}).items():
        _set(out, path, value, f"variant {variant_id}")
    label = v.get("label", {}).get("en", variant_id)
    out["name"] = f"{project.get('name', 'project')} — {label}"
    out["active_variant"] = variant_id
    return out


def describe_target(target: dict | None, lang: str = "en") -> str:
    """One line for a card: "validation accuracy ≥ 0.93" / "验证集准确率 ≥ 0.93"; "" without a target."""
    if not target:
        return ""
    name = METRICS.get(target["metric"], {}).get(lang) or METRICS.get(target["metric"], {}).get("en") \
        or target["metric"]
    op = {">=": "≥", "<=": "≤"}.get(target["op"], target["op"])
    return f"{name} {op} {target['value']:g}"


def target_result(target: dict, history: dict) -> tuple[float | None, bool]:
    """(the metric's last-epoch value, whether it meets the target) for trainers' history or a snapshot."""
    if target.get("op") not in OPS:
        raise PresetError(f"target op {target.get('op')!r}: expected one of {', '.join(OPS)}")
    values = [v for v in (history.get("epochs") or {}).get(target["metric"], []) if v is not None]
    if not values:
        return None, False
    return values[-1], OPS[target["op"]](values[-1], target["value"])
