#!/usr/bin/env bash
# `make dev`: a local Postgres, migrations, and the app at
# http://localhost:3000 with live rebuild. Ctrl-C stops everything this
# started; the database is kept for next time (`make clean-db` drops it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

scripts/setup.sh
COGNITO_PORT=${COGNITO_PORT:-9229}
for port in 3000 "$COGNITO_PORT"; do
    port_is_free "$port" || die "port $port is in use (another make dev?); stop it first"
done
start_dev_db
cognito_pid=""
stop_all() {
    if [ -n "$cognito_pid" ]; then kill "$cognito_pid" 2>/dev/null || true; fi
    scripts/pg.sh stop "$DEV_PGDIR"
    log "stopped (data kept in .local/)"
}
trap stop_all EXIT
log "Postgres on 127.0.0.1:$DEV_PORT, database saas_dev"

cargo leptos build
cargo build -p cognito-local
target/debug/server migrate

# The local Cognito user pool; its users and keys survive restarts (until
# `make clean-db`, which deletes them with the database).
target/debug/cognito-local --listen "127.0.0.1:$COGNITO_PORT" --state .local/cognito-state.json &
cognito_pid=$!
for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$COGNITO_PORT/$(pool_setting pool_id)/.well-known/jwks.json" >/dev/null 2>&1 && break
    kill -0 "$cognito_pid" 2>/dev/null || die "the Cognito stand-in did not start"
    sleep 0.2
done
log "Cognito stand-in at http://127.0.0.1:$COGNITO_PORT (outbox: /_dev/outbox)"
export_auth_env "http://localhost:3000" "http://127.0.0.1:$COGNITO_PORT"
# Kept beside the database, so sessions survive a restart of `make dev`.
[ -s .local/session-key ] || (umask 077 && new_session_key > .local/session-key)
SESSION_ENCRYPTION_KEY=$(cat .local/session-key)
export SESSION_ENCRYPTION_KEY
# Demo tenants, users and projects, through the operator's own command; it
# leaves existing tenants alone and prints the sign-ins.
log "demo sign-ins:"
target/debug/server seed --demo
log "serving at http://localhost:3000 (open it by that name: the session cookie is per host) — Ctrl-C to stop"
cargo leptos watch
