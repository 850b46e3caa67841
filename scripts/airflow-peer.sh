#!/usr/bin/env bash
# Usage: scripts/airflow-peer.sh -- installs Apache Airflow 3 from PyPI into .cache/venv-airflow
# (reused when present) and prints the path of its `airflow` executable. The test
# test/e2e/export-airflow-s3.test.ts (behind CAIRN_TEST_AIRFLOW=1) runs `airflow dags test` on a
# DAG written by `cairn export airflow`. Airflow's official constraints file lives outside the
# package registries this project can reach, so the install pins apache-airflow itself and lets
# pip resolve the rest; AIRFLOW_VERSION overrides the pin. First install: about 70 s here.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${AIRFLOW_VENV:-$ROOT/.cache/venv-airflow}
VERSION=${AIRFLOW_VERSION:-3.3.2}
# importing Airflow takes about 20 s on a busy machine: a marker written after a checked
# install makes the reuse check instant
MARK="$VENV/.cairn-airflow-$VERSION-ok"
if [ -x "$VENV/bin/airflow" ] && [ -f "$MARK" ]; then echo "$VENV/bin/airflow"; exit 0; fi
if [ ! -x "$VENV/bin/airflow" ] || ! "$VENV/bin/python" -c 'import airflow.providers.standard.operators.bash, airflow.sdk' 2>/dev/null; then
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade pip >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "apache-airflow==$VERSION" >&2
fi
"$VENV/bin/python" -c 'import airflow.providers.standard.operators.bash, airflow.sdk' >&2
touch "$MARK"
echo "$VENV/bin/airflow"
