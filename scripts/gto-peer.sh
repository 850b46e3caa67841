#!/usr/bin/env bash
# Usage: scripts/gto-peer.sh -- installs GTO (https://github.com/iterative/gto) from PyPI into
# .cache/venv-gto (reused when present) and prints the path of its `gto` executable.
# Tests and bench/registry.mjs use it as the peer that reads cairn's registry tags.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${GTO_VENV:-$ROOT/.cache/venv-gto}
GTO_VERSION=${GTO_VERSION:-1.10.1}
if [ ! -x "$VENV/bin/gto" ]; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "gto==$GTO_VERSION" >&2
fi
"$VENV/bin/gto" --help >/dev/null
echo "$VENV/bin/gto"
