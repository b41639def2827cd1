"""Which training settings differ between runs, for the table under the overlaid loss curves."""
from __future__ import annotations

import pandas as pd


def flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in (d or {}).items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def differing(settings: list[dict]) -> list[str]:
    """Keys whose value is not the same in every settings dict (a missing key counts as a value)."""
    flat = [flatten(s) for s in settings]
    keys = sorted({k for f in flat for k in f})
    return [k for k in keys if len({repr(f.get(k)) for f in flat}) > 1]


def graph_summary(project: dict) -> str:
    nodes = (project.get("graph") or {}).get("nodes", [])
    return " → ".join(f"{n.get('type')}" + (f"({n['params'].get('out_features')})" if (n.get('params') or {}).get(
        "out_features") else "") for n in nodes[:8]) + (" …" if len(nodes) > 8 else "")


def settings_table(runs: list[dict]) -> pd.DataFrame:
    """One row per run: its label, final losses, and only the settings (and graph) that differ.

    runs: [{"label": str, "project": project dict, "snapshot": snapshot dict}].
    """
    settings = [r["project"].get("training") or {} for r in runs]
    keys = differing(settings)
    rows = []
    for r, s in zip(runs, settings):
        snap, flat = r["snapshot"], flatten(s)
        epochs = snap.get("epochs") or {}
        row = {"run": r["label"], "status": snap.get("status")}
        for name in ("val_loss", "val_accuracy"):
            if epochs.get(name):
                row[name] = epochs[name][-1]
        row.update({k: repr(flat[k]) if isinstance(flat.get(k), list) else flat.get(k) for k in keys})
        rows.append(row)
    graphs = [graph_summary(r["project"]) for r in runs]
    if len(set(graphs)) > 1:
        for row, g in zip(rows, graphs):
            row["graph"] = g
    return pd.DataFrame(rows)
