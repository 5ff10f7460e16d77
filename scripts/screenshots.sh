#!/usr/bin/env bash
# `make screenshots`: the main pages in Chromium at a desktop size
# (1280×800) and a phone size (390×844), as PNGs in target/screenshots/, so
# a reviewer can look without running the app. A throwaway stack: its own
# Postgres cluster, the Cognito stand-in and the demo data, debug build.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

scripts/setup.sh

PGDIR="$ROOT/.local/pg-shots"
LOGS="$ROOT/.local/screenshot-logs"
OUT="$ROOT/target/screenshots"
mkdir -p "$LOGS"
throwaway_cluster "$PGDIR"
scripts/pg.sh createdb "$PGDIR" saas_shots
export APP_DATABASE_URL=$(db_url saas_app "$APP_PASSWORD" "$port" saas_shots)

log "build"
cargo leptos build
cargo build -p cognito-local
MIGRATION_DATABASE_URL=$(db_url saas_owner "$OWNER_PASSWORD" "$port" saas_shots) target/debug/server migrate

site_port=$(free_port)
site="http://127.0.0.1:$site_port"
start_idp "$site" "$LOGS/cognito.log"
target/debug/server seed --demo >"$LOGS/seed.log" 2>&1 || { cat "$LOGS/seed.log"; die "seeding failed"; }
start_server target/debug/server "$site_port" DEV "$LOGS/server.log"

log "screenshots"
rm -rf "$OUT"
(cd end2end && BASE_URL="$site" SCREENSHOT_DIR="$OUT" npx playwright test --config screenshots.config.ts)
log "written to target/screenshots/:"
ls "$OUT"
