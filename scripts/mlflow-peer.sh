#!/usr/bin/env bash
# Usage: scripts/mlflow-peer.sh -- installs MLflow from PyPI into .cache/venv-mlflow (reused when
# present) and prints the path of its `mlflow` executable. The test of `cairn model export
# --mlflow` starts a real `mlflow server` on loopback with it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${MLFLOW_VENV:-$ROOT/.cache/venv-mlflow}
if [ ! -x "$VENV/bin/mlflow" ]; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "mlflow${MLFLOW_VERSION:+==$MLFLOW_VERSION}" >&2
fi
"$VENV/bin/mlflow" --version >/dev/null
echo "$VENV/bin/mlflow"
