#!/usr/bin/env bash
# `make dev`: a local Postgres, migrations, and the app at
# http://localhost:3000 with live rebuild. Ctrl-C stops everything this
# started; the database is kept for next time (`make clean-db` drops it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

scripts/setup.sh
start_dev_db
trap 'scripts/pg.sh stop "$DEV_PGDIR"; log "Postgres stopped (data kept in .local/pg-dev)"' EXIT
log "Postgres on 127.0.0.1:$DEV_PORT, database saas_dev"

cargo leptos build
target/debug/server migrate
log "serving at http://localhost:3000 — Ctrl-C to stop"
cargo leptos watch
