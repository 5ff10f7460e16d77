# Shared helpers for the project's scripts. Sourced, not run.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROOT

# wasm-opt from tools/ (binaryen from npm) comes first on PATH: cargo-leptos
# runs whichever wasm-opt it finds there for release builds.
PATH="$ROOT/tools/node_modules/.bin:$PATH"
export PATH

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# A TCP port nobody listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# SO_REUSEADDR, as servers set it: connections lingering in TIME_WAIT from
# the last run do not make the port busy.
port_is_free() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

# Local-cluster credentials. The cluster listens on 127.0.0.1 only and holds
# throwaway data, so fixed passwords are fine here; a real deployment sets its
# own (see README, "A real database").
OWNER_PASSWORD=${OWNER_PASSWORD:-saas_owner_local}
APP_PASSWORD=${APP_PASSWORD:-saas_app_local}

db_url() { # role password port database
    printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$1" "$2" "$3" "$4"
}

# Starts the dev cluster (.local/pg-dev) with its saas_dev database and sets
# DEV_PORT, MIGRATION_DATABASE_URL and APP_DATABASE_URL for it.
start_dev_db() {
    DEV_PGDIR="$ROOT/.local/pg-dev"
    DEV_PORT=$("$ROOT/scripts/pg.sh" start "$DEV_PGDIR" "${PG_PORT:-}")
    "$ROOT/scripts/pg.sh" createdb "$DEV_PGDIR" saas_dev
    MIGRATION_DATABASE_URL=$(db_url saas_owner "$OWNER_PASSWORD" "$DEV_PORT" saas_dev)
    APP_DATABASE_URL=$(db_url saas_app "$APP_PASSWORD" "$DEV_PORT" saas_dev)
    export MIGRATION_DATABASE_URL APP_DATABASE_URL
}

# A value from cognito-local/pool.toml: `pool_setting id` → the client id.
pool_setting() {
    sed -n "s/^$1 = \"\(.*\)\"$/\1/p" "$ROOT/cognito-local/pool.toml" | head -n 1
}

# Points the server at the local Cognito stand-in: `export_auth_env SITE IDP`
# with the app's base URL and the stand-in's.
export_auth_env() {
    export APP_BASE_URL=$1
    export COGNITO_DOMAIN=$2
    export COGNITO_REGION=$(pool_setting region)
    export COGNITO_USER_POOL_ID=$(pool_setting pool_id)
    export COGNITO_CLIENT_ID=$(pool_setting id)
    export COGNITO_CLIENT_SECRET=$(pool_setting secret)
    export COGNITO_ISSUER="$2/$COGNITO_USER_POOL_ID"
    export COGNITO_ADMIN_ENDPOINT=$2
}

# A fresh session sealing key (32 random bytes, base64).
new_session_key() {
    python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())'
}


# Waits until URL answers, while PID lives (LOG is shown if it exits):
# `wait_healthy URL PID LOG`.
wait_healthy() {
    for _ in $(seq 1 100); do
        curl -fsS "$1" >/dev/null 2>&1 && return 0
        kill -0 "$2" 2>/dev/null || { cat "$3"; die "$1: the process exited"; }
        sleep 0.2
    done
    die "$1 did not answer"
}

# Starts the Cognito stand-in with the test users for an app at SITE, and
# exports what the server and the browser tests read: `start_idp SITE LOG`.
# Sets cognito_pid.
start_idp() {
    local site=$1 log=$2 port
    port=$(free_port)
    "$ROOT/target/debug/cognito-local" --listen "127.0.0.1:$port" \
        --seed "$ROOT/cognito-local/test-users.toml" \
        --callback-url "$site/auth/callback" --logout-url "$site/" >"$log" 2>&1 &
    cognito_pid=$!
    export COGNITO_URL="http://127.0.0.1:$port"
    COGNITO_POOL_ID=$(pool_setting pool_id)
    export COGNITO_POOL_ID
    export_auth_env "$site" "$COGNITO_URL"
    SESSION_ENCRYPTION_KEY=$(new_session_key)
    export SESSION_ENCRYPTION_KEY
    wait_healthy "$COGNITO_URL/$COGNITO_POOL_ID/.well-known/jwks.json" "$cognito_pid" "$log"
}

# Serves BINARY at 127.0.0.1:PORT with LEPTOS_ENV=ENV until it answers:
# `start_server BINARY PORT ENV LOG`. Sets server_pid.
start_server() {
    LEPTOS_SITE_ADDR="127.0.0.1:$2" LEPTOS_ENV=$3 "$1" >"$4" 2>&1 &
    server_pid=$!
    wait_healthy "http://127.0.0.1:$2/healthz" "$server_pid" "$4"
}

# A fresh Postgres cluster in PGDIR for this run, destroyed on exit with
# the stand-in and the server if they were started (`start_idp`,
# `start_server`): `throwaway_cluster PGDIR [PORT]`. Sets `port`.
throwaway_cluster() {
    THROWAWAY_PGDIR=$1
    server_pid=""
    cognito_pid=""
    trap throwaway_cleanup EXIT
    scripts/pg.sh destroy "$THROWAWAY_PGDIR"
    port=$(scripts/pg.sh start "$THROWAWAY_PGDIR" "${2:-}")
}

throwaway_cleanup() {
    for pid in $server_pid $cognito_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    scripts/pg.sh destroy "$THROWAWAY_PGDIR"
}
