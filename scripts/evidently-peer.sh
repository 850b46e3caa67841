#!/usr/bin/env bash
# Usage: scripts/evidently-peer.sh  -- creates (or reuses) .cache/venv-evidently/ with scipy,
# evidently and pandas from PyPI: the oracle of scripts/gen-drift-fixtures.py, the peer of
# test/unit/drift-evidently.test.ts and bench/drift.mjs. Prints the venv's python path on success.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
V="$ROOT/.cache/venv-evidently"
PY="$V/bin/python"
if [ -x "$PY" ] && "$PY" -c 'import scipy, evidently, pandas' 2>/dev/null; then echo "$PY"; exit 0; fi
mkdir -p "$ROOT/.cache"
python3 -m venv "$V" >&2
"$V/bin/pip" install -q --disable-pip-version-check scipy 'evidently==0.7.23' 'pandas<3' >&2
"$PY" -c 'import scipy, evidently, pandas' >&2
echo "$PY"
