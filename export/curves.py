"""Training curves (a snapshot's "epochs" / "steps" columns) to CSV and back, with None for gaps."""
from __future__ import annotations

import csv
import io
import math

from i18n import _

MAX_ROWS = 200_000
MAX_COLUMNS = 64


class CurveError(ValueError):
    pass


def curves_to_csv(columns: dict, key: str) -> str:
    """{"epoch": [1, 2], "train_loss": [0.5, None]} -> CSV text, `key` first, empty cells for None."""
    names = [key] + [k for k in columns if k != key and isinstance(columns[k], list)]
    n = len(columns.get(key) or [])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for i in range(n):
        row = []
        for name in names:
            values = columns.get(name) or []
            v = values[i] if i < len(values) else None
            row.append("" if v is None or (isinstance(v, float) and not math.isfinite(v)) else repr(v))
        writer.writerow(row)
    return out.getvalue()


def _number(text: str, where: str):
    if text == "":
        return None
    try:
        value = int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        raise CurveError(_("{where}: {value} is not a number").format(where=where, value=repr(text[:40]))) from None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def curves_from_csv(data: bytes, name: str, key: str) -> dict:
    """CSV bytes -> {column: [int | float | None]}; `key` must be the first column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CurveError(_("{name}: not UTF-8 text").format(name=name)) from None
    rows = csv.reader(io.StringIO(text))
    try:
        header = next(rows)
    except StopIteration:
        raise CurveError(_("{name}: empty").format(name=name)) from None
    except csv.Error as e:
        raise CurveError(_("{name}: not a CSV file ({why})").format(name=name, why=e)) from None
    if not header or header[0] != key:
        raise CurveError(_("{name}: the first column must be '{key}'").format(name=name, key=key))
    if len(header) > MAX_COLUMNS or len(set(header)) != len(header):
        raise CurveError(_("{name}: the header must name at most {n} distinct columns").format(name=name, n=MAX_COLUMNS))
    columns = {h: [] for h in header}
    try:
        for line, row in enumerate(rows, start=2):
            if line - 1 > MAX_ROWS:
                raise CurveError(_("{name}: more than {n:,} rows").format(name=name, n=MAX_ROWS))
            if len(row) != len(header):
                raise CurveError(_("{name}: line {line} has {cells} cells, the header has {n}").format(
                    name=name, line=line, cells=len(row), n=len(header)))
            for h, cell in zip(header, row):
                columns[h].append(_number(cell.strip(), _("{name}: line {line}, column '{column}'").format(
                    name=name, line=line, column=h)))
    except csv.Error as e:
        raise CurveError(_("{name}: not a CSV file ({why})").format(name=name, why=e)) from None
    if any(v is None or not isinstance(v, int) for v in columns[key]):
        raise CurveError(_("{name}: every row needs an integer '{key}'").format(name=name, key=key))
    return columns
