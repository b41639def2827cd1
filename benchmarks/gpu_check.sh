#!/usr/bin/env bash
# Device checks for a machine with a CUDA GPU, one line per check, in under 5 minutes:
# presets train on CUDA and meet their targets; exported scripts run on CUDA; four runs share one GPU
# through the local pool and through Ray (0.25 GPU each); throughput ratios. Where there is no GPU it
# says so in one line and exits 0.   Usage: bash benchmarks/gpu_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
export PYTHONUNBUFFERED=1 NEUROCANVAS_DATA=${NEUROCANVAS_DATA:-$(mktemp -d)}
# CUDA maps large private regions at start-up: the per-run memory limit is about host RAM, not the driver's maps
export NEUROCANVAS_RUN_MEMORY_MB=${NEUROCANVAS_RUN_MEMORY_MB:-65536}
if ! "$PY" -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  echo "SKIP gpu_check: no CUDA GPU here (torch.cuda.is_available() is False); nothing to check"
  exit 0
fi
exec timeout 300 "$PY" benchmarks/gpu_check.py
