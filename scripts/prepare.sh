#!/usr/bin/env bash
# `make prepare`: regenerate the offline query data in .sqlx/ after changing
# a query or a migration. Uses the dev cluster (started if needed, then left
# as it was found).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

scripts/setup.sh
PGDIR="$ROOT/.local/pg-dev"
port=$(scripts/pg.sh start "$PGDIR" "${PG_PORT:-}")
scripts/pg.sh createdb "$PGDIR" saas_dev
owner=$(db_url saas_owner "$OWNER_PASSWORD" "$port" saas_dev)
cargo build -p server
MIGRATION_DATABASE_URL=$owner target/debug/server migrate
DATABASE_URL=$owner cargo sqlx prepare --workspace -- --all-targets
log "updated .sqlx/ — commit it with the change"
