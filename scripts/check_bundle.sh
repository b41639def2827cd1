#!/usr/bin/env bash
# Rebuild the canvas bundle from its pinned sources (npm ci + esbuild) in a temporary directory and
# fail if the result differs from the committed ui/canvas/frontend/dist; also run the editor's
# JavaScript unit tests (node --test). CI runs this.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$repo/ui/canvas/frontend"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cp -r "$src/package.json" "$src/package-lock.json" "$src/build.mjs" "$src/src" "$src/test" "$tmp/"
(
  cd "$tmp"
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error
  node build.mjs "$tmp/dist"
  node --test test/ >"$tmp/test.log" 2>&1 || { cat "$tmp/test.log" >&2; echo "check_bundle: JavaScript unit tests failed" >&2; exit 1; }
)

if diff -r -q "$src/dist" "$tmp/dist"; then
  echo "check_bundle: ui/canvas/frontend/dist matches its sources"
else
  echo "check_bundle: the committed bundle differs from a fresh build of ui/canvas/frontend/src." >&2
  echo "Rebuild it: (cd ui/canvas/frontend && npm ci && npm run build), then commit dist/." >&2
  exit 1
fi
