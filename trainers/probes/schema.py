"""The probe snapshot's shape (docs/snapshot.md) as a JSON Schema: a bundle's probes.json is checked against it."""
from __future__ import annotations

import functools

NUM = {"type": ["number", "null"]}
NUMS = {"type": "array", "items": NUM}
GRID = {"type": "array", "items": NUMS}  # rows of numbers
ANY_LIST = {"type": "array"}
NODE = {"type": "string", "maxLength": 200}


def _per_node(value: dict) -> dict:
    return {"type": "object", "propertyNames": NODE, "additionalProperties": value}


# `required` lists what the Layers view indexes directly; the rest is typed when present.
ACTIVATION = {"type": "object", "required": ["dead_fraction"], "properties": {
    "shape": {"type": "array", "items": {"type": "integer"}}, "mean": NUM, "std": NUM, "min": NUM, "max": NUM,
    "dead_fraction": NUM, "hist": {"type": ["object", "null"], "properties": {"edges": NUMS, "counts": NUMS}}}}
AXIS = {"type": "array", "items": NUM, "minItems": 1}
BOUNDARY = {"type": ["object", "null"], "required": ["x", "y"], "properties": {
    "x": AXIS, "y": AXIS, "predicted": {"type": ["array", "null"], "items": NUMS},
    "confidence": {"type": ["array", "null"], "items": NUMS}, "value": GRID,
    "points": {"type": "object", "required": ["x", "y", "label"],
               "properties": {"x": NUMS, "y": NUMS, "label": NUMS}}}}
SAMPLE = {"type": "object", "required": ["kind", "input"], "properties": {
    "kind": {"enum": ["image", "vector", "series", "tokens"]},
    "target_name": {"type": ["string", "null"]}, "prediction_name": {"type": ["string", "null"]},
    "confidence": NUM, "correct": {"type": ["boolean", "null"]}}}
PROBES = {"type": "object",
          "required": ["step"],
          "properties": {
              "step": {"type": "integer", "minimum": 0}, "every": {"type": ["integer", "null"]},
              "cost_fraction": NUM, "order": {"type": "array", "items": NODE},
              "types": _per_node({"type": "string"}),
              "activations": _per_node(ACTIVATION),
              "gradients": _per_node({"type": "object", "properties": {"grad_norm": NUM, "weight_norm": NUM}}),
              "gradient_history": {"type": "object", "required": ["step"], "properties": {
                  "step": NUMS, "grad_norm": _per_node(NUMS), "weight_norm": _per_node(NUMS)}},
              "boundary": BOUNDARY,
              "confusion": {"type": ["object", "null"], "required": ["labels", "matrix"],
                            "properties": {"labels": {"type": "array", "items": {"type": "string"}},
                                           "matrix": GRID}},
              "samples": {"type": "array", "items": SAMPLE, "maxItems": 64},
              "feature_maps": _per_node({"type": "object", "required": ["channels", "min", "max"], "properties": {
                  "shape": {"type": "array", "items": {"type": "integer"}},
                  "channels": {"type": "array", "items": GRID}, "min": NUM, "max": NUM}}),
              "hidden_states": _per_node({"type": "object", "required": ["values", "units"], "properties": {
                  "values": GRID, "units": NUMS}}),
              "attention": _per_node({"type": "object", "required": ["weights"], "properties": {
                  "weights": {"type": "array", "items": GRID},
                  "tokens": {"type": ["array", "null"], "items": NUM, "maxItems": 32},
                  "token_names": {"type": ["array", "null"], "items": {"type": "string", "maxLength": 40},
                                  "maxItems": 32},
                  "sample": {"type": ["object", "null"], "properties": {
                      "index": {"type": "integer"}, "split": {"enum": ["validation", "training"]}}}}})}}


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema
    return jsonschema.Draft202012Validator(PROBES)


def probe_problem(probes) -> str | None:
    """'<json path>: <what is wrong>' for the first place `probes` departs from the snapshot schema, or None."""
    error = next(_validator().iter_errors(probes), None)  # the first is enough, and bounded work
    if error is None:
        return None
    where = "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path) or "(top)"
    return f"{where.lstrip('.')}: {error.message[:200]}"
