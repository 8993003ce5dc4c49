#!/usr/bin/env bash
# Set everything up, then run the service on its embedded default store (SQLite in the per-user
# data directory). Account linking is on: without IDVERIFY_LINKER__HASH_KEY and
# IDVERIFY_LINKER__SEAL_KEY development keys are generated once and kept beside the SQLite file
# (set real, separate keys in production).
# Extra arguments go to `idverify serve`, e.g. --port 50052.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=$(bash scripts/setup.sh | tail -n 1)
export IDVERIFY_LINKER__ENABLED=${IDVERIFY_LINKER__ENABLED:-true}
if [ -z "${IDVERIFY_LINKER__HASH_KEY:-}" ] || [ -z "${IDVERIFY_LINKER__SEAL_KEY:-}" ]; then
  export IDVERIFY_LINKER__DEV_GENERATE_KEY=${IDVERIFY_LINKER__DEV_GENERATE_KEY:-true}
fi
exec "$VENV/bin/idverify" serve "$@"
