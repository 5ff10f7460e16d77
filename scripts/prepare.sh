#!/usr/bin/env bash
# `make prepare`: regenerate the offline query data in .sqlx/ after changing
# a query or a migration, against the dev database (the cluster is started if
# needed and left running).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

scripts/setup.sh
start_dev_db
cargo build -p server
target/debug/server migrate
DATABASE_URL=$MIGRATION_DATABASE_URL cargo sqlx prepare --workspace -- --all-targets
log "updated .sqlx/ — commit it with the change"
