#!/usr/bin/env bash
# `make dev`: a local Postgres, migrations, and the app at
# http://localhost:3000 with live rebuild. Ctrl-C stops everything this
# started; the database is kept for next time (`make clean-db` drops it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

scripts/setup.sh

PGDIR="$ROOT/.local/pg-dev"
port=$(scripts/pg.sh start "$PGDIR" "${PG_PORT:-}")
trap 'scripts/pg.sh stop "$PGDIR"; log "Postgres stopped (data kept in .local/pg-dev)"' EXIT
scripts/pg.sh createdb "$PGDIR" saas_dev
log "Postgres on 127.0.0.1:$port, database saas_dev"

export MIGRATION_DATABASE_URL=$(db_url saas_owner "$OWNER_PASSWORD" "$port" saas_dev)
export APP_DATABASE_URL=$(db_url saas_app "$APP_PASSWORD" "$port" saas_dev)

cargo leptos build
target/debug/server migrate
log "serving at http://localhost:3000 — Ctrl-C to stop"
cargo leptos watch
