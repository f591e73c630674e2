#!/usr/bin/env bash
# End-to-end tests of `paylint server`: a real LSP client (pytest-lsp, pinned, from PyPI, in a
# venv under target/) drives the server over stdio. Builds a debug paylint, which has the
# fault-injection hook the panic test needs.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
venv="${PAYLINT_SERVER_VENV:-$repo/target/server-venv}"
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c 'import pytest_lsp' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'pytest-lsp==1.0.1' 'pygls==2.1.1' 'lsprotocol==2025.0.0' 'pytest==9.2.0' 'pytest-asyncio==1.5.0'
fi
cargo build -q
export PAYLINT_BIN="$repo/target/debug/paylint"
cd tests/server
exec "$venv/bin/pytest" -q -p no:cacheprovider "$@" test_*.py
