#!/usr/bin/env bash
# The README's test command: installs what is missing (npm packages, Debian's Chromium,
# PostgreSQL), starts PostgreSQL, and runs every suite. Nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-chromium.sh
bash scripts/ensure-postgres.sh
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://tpbis:tpbis@127.0.0.1:5432/tpbis_test}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
npm test
