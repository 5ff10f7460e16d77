#!/usr/bin/env bash
# A wrk load run of the app's pages against a throwaway stack: its own
# Postgres cluster, the Cognito stand-in, the demo tenants, and SERVER (a
# built server binary, default target/release/server), signed in as a
# Member through the hosted UI.
#
#   scripts/bench/pages.sh [SERVER]      (wrk: apt-get install wrk)
#
# Prints requests/s and latency for the signed-out landing page, the
# signed-in project list (an in-order streamed page) and a project page,
# three runs each, and the median of the three. Everything listens on
# 127.0.0.1 only; each run is bounded (wrk -d).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

server=${1:-target/release/server}
[ -x "$server" ] || die "no server binary at $server (make release)"
command -v wrk >/dev/null || die "wrk is missing: apt-get install wrk"
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}

PGDIR="$ROOT/.local/pg-bench"
LOGS="$ROOT/.local/bench-logs"
mkdir -p "$LOGS"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    scripts/pg.sh destroy "$PGDIR"
}
trap cleanup EXIT

scripts/pg.sh destroy "$PGDIR"
port=$(scripts/pg.sh start "$PGDIR")
scripts/pg.sh createdb "$PGDIR" saas_bench
MIGRATION_DATABASE_URL=$(db_url saas_owner "$OWNER_PASSWORD" "$port" saas_bench) "$server" migrate
export APP_DATABASE_URL=$(db_url saas_app "$APP_PASSWORD" "$port" saas_bench)

site_port=$(free_port)
site="http://127.0.0.1:$site_port"
cognito_port=$(free_port)
cargo build -q -p cognito-local
target/debug/cognito-local --listen "127.0.0.1:$cognito_port" \
    --callback-url "$site/auth/callback" --logout-url "$site/" >"$LOGS/cognito.log" 2>&1 &
pids+=($!)
export_auth_env "$site" "http://127.0.0.1:$cognito_port"
SESSION_ENCRYPTION_KEY=$(new_session_key)
export SESSION_ENCRYPTION_KEY
for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$cognito_port/$COGNITO_USER_POOL_ID/.well-known/jwks.json" >/dev/null 2>&1 && break
    sleep 0.2
done
"$server" seed --demo >"$LOGS/seed.log" 2>&1 || { cat "$LOGS/seed.log"; die "seeding failed"; }
LEPTOS_SITE_ADDR="127.0.0.1:$site_port" LEPTOS_ENV=PROD RUST_LOG=warn "$server" >"$LOGS/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fsS "$site/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

cookie=$(scripts/bench/sign_in.py "$site" max@acme.test Demo-pass-1)
project=$(curl -fsS -H "Cookie: $cookie" "$site/projects" | grep -o 'href="/projects/[0-9a-f-]\{36\}"' | head -n 1 | cut -d'"' -f2)
[ -n "$project" ] || die "no project link on /projects"

run() { # label path [cookie]
    local label=$1 path=$2 header=()
    [ -n "${3:-}" ] && header=(-H "Cookie: $3")
    local rates=()
    for i in 1 2 3; do
        out=$(wrk -t 2 -c "$CONNECTIONS" -d "$DURATION" --latency "${header[@]}" "$site$path")
        rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
        non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
        echo "$label run $i: $rate req/s, median latency $p50${non2xx:+, non-2xx: $non2xx}"
        rates+=("$rate")
    done
    median=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)
    echo "$label median of 3: $median req/s"
}

log "wrk -c $CONNECTIONS -d $DURATION against $server"
run "landing (signed out)" /
run "/projects (signed in)" /projects "$cookie"
run "/projects/:id (signed in)" "$project" "$cookie"
