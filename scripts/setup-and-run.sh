#!/usr/bin/env bash
# Set everything up, then run the service on its embedded default store (SQLite in the per-user
# data directory). Extra arguments go to `idverify serve`, e.g. --port 50052.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=$(bash scripts/setup.sh | tail -n 1)
exec "$VENV/bin/idverify" serve "$@"
