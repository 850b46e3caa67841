#!/usr/bin/env bash
# Usage: scripts/pandera-peer.sh  -- creates (or reuses) .cache/venv-pandera/ with pandera, pandas
# and pyarrow from PyPI: the peer of bench/validate.mjs and the writer of the Parquet test fixture
# (scripts/make-validate-fixture.py) and of fixtures/validate/parquet/ (scripts/make-validate-parquet-fixtures.py). Prints the venv's python path on success.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
V="$ROOT/.cache/venv-pandera"
PY="$V/bin/python"
if [ -x "$PY" ] && "$PY" -c 'import pandera, pandas, pyarrow' 2>/dev/null; then echo "$PY"; exit 0; fi
mkdir -p "$ROOT/.cache"
python3 -m venv "$V" >&2
"$V/bin/pip" install -q --disable-pip-version-check 'pandera[pandas]' pandas pyarrow >&2
"$PY" -c 'import pandera, pandas, pyarrow' >&2
echo "$PY"
