"""Print the share-link length of every preset (the README quotes the largest): python scripts/link_lengths.py"""
import base64
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from builder import load_project  # noqa: E402
from export.links import MAX_LINK_CHARS, canonical_json, encode_project  # noqa: E402

BASE = "https://neurocanvas.example.org/?project="


def main() -> int:
    rows = []
    for path in sorted((ROOT / "presets").glob("*.json")):
        project = load_project(path)
        raw = canonical_json(project)
        plain = len(base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"="))  # without our dictionary
        rows.append((path.stem, len(project.graph.nodes), len(raw), plain, len(encode_project(project))))
    print(f"{'preset':<28} {'nodes':>5} {'JSON bytes':>10} {'zlib+b64':>8} {'link value':>10} {'full URL':>8}")
    for name, nodes, raw, plain, value in sorted(rows, key=lambda r: r[-1]):
        print(f"{name:<28} {nodes:>5} {raw:>10,} {plain:>8,} {value:>10,} {len(BASE) + value:>8,}")
    largest = max(rows, key=lambda r: r[-1])
    print(f"\nlargest: {largest[0]}, a {largest[-1]:,}-character link value "
          f"({len(BASE) + largest[-1]:,} with {BASE!r}); the limit is {MAX_LINK_CHARS:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
