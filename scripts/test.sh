#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run it.
# Usage: bash scripts/test.sh [pytest args...]   (CI runs it through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the browser tests: Debian's package (never `playwright install`: no internet).
# A CJK font too, so the Chinese page's screenshots draw characters rather than boxes.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei"; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q && $SUDO apt-get install -y -q chromium fonts-wqy-microhei
fi

# One virtual environment for the app and the tests.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# Ray only for the tests of the Ray backend (a simulated two-node cluster); the app's default pool needs none of it.
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-ray.txt

# The committed canvas bundle must be exactly what its source builds to.
if [ -f scripts/check_bundle.sh ]; then bash scripts/check_bundle.sh; fi

export PYTHONUNBUFFERED=1
.venv/bin/python -m pytest -q "$@"
