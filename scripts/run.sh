#!/usr/bin/env bash
# The README's run command: installs, builds and starts the server with the app on the
# embedded SQLite database (./data/tpbis.sqlite unless DATABASE_URL says otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec npm start
