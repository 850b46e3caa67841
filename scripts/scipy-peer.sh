#!/usr/bin/env bash
# Usage: scripts/scipy-peer.sh -- create (or reuse) .cache/venv-scipy with scipy, statsmodels,
# numpy and scikit-learn: the oracles for src/stats/ (scripts/gen-stats-fixtures.py) and the
# peer of bench/gate.mjs. Prints the venv's python path on success. The product never needs it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=$ROOT/.cache/venv-scipy
PY=$VENV/bin/python
if [ -x "$PY" ] && "$PY" -c 'import scipy, statsmodels, numpy, sklearn' 2>/dev/null; then echo "$PY"; exit 0; fi
mkdir -p "$ROOT/.cache"
python3 -m venv "$VENV" >&2
"$PY" -m pip install --quiet --disable-pip-version-check 'numpy>=1.26' 'scipy>=1.11' 'statsmodels>=0.14' 'scikit-learn>=1.3' >&2
"$PY" -c 'import scipy, statsmodels, numpy, sklearn' >&2
echo "$PY"
