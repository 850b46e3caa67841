#!/usr/bin/env bash
# Usage: scripts/dvc-peer.sh -- installs DVC (https://dvc.org) 3.x with its S3 plugin from PyPI
# into .cache/venv-dvc (reused when present) and prints the path of the venv's python.
# test/parity/ runs every scenario against it (through test/parity/dvc-driver.py, one long-lived
# process) and bench/ times it beside cairn. The product never needs it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${DVC_VENV:-$ROOT/.cache/venv-dvc}
DVC_VERSION=${DVC_VERSION:-3.67.1}
DVC_S3_VERSION=${DVC_S3_VERSION:-3.3.0}
PY=$VENV/bin/python
if [ -x "$PY" ] && [ -x "$VENV/bin/dvc" ] && "$PY" -c 'import dvc.cli, dvc_s3' 2>/dev/null; then echo "$PY"; exit 0; fi
mkdir -p "$ROOT/.cache"
python3 -m venv "$VENV" >&2
"$PY" -m pip install --quiet --disable-pip-version-check "dvc==$DVC_VERSION" "dvc-s3==$DVC_S3_VERSION" >&2
"$PY" -c 'import dvc.cli, dvc_s3' >&2
echo "$PY"
