#!/usr/bin/env bash
# `make test`: everything CI checks, against a throwaway Postgres and a real
# server. Exits non-zero on the first failure.
#
#   1. formatting          cargo fmt --check
#   2. build               cargo leptos build (server + WASM client)
#   3. query data          cargo sqlx prepare --check (.sqlx/ is current)
#   4. lints               clippy, server and browser builds, warnings denied
#   5. unit + integration  cargo test, as the app role against Postgres
#   6. end to end          Playwright in Chromium against the running server,
#                          debug build, then release build
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

scripts/setup.sh

log "formatting"
cargo fmt --all --check

PGDIR="$ROOT/.local/pg-test"
LOGS="$ROOT/.local/test-logs"
mkdir -p "$LOGS"
# A fresh cluster every run, so no test sees another run's leftovers.
throwaway_cluster "$PGDIR" "${PG_PORT:-}"
scripts/pg.sh createdb "$PGDIR" saas_test   # sqlx::test makes one database per test from here
scripts/pg.sh createdb "$PGDIR" saas_e2e    # the running server's database
log "Postgres on 127.0.0.1:$port"
# The concurrency tests read it for deadlocks.
export PG_SERVER_LOG=$(scripts/pg.sh logfile "$PGDIR")

owner_test=$(db_url saas_owner "$OWNER_PASSWORD" "$port" saas_test)
owner_e2e=$(db_url saas_owner "$OWNER_PASSWORD" "$port" saas_e2e)
export APP_DATABASE_URL=$(db_url saas_app "$APP_PASSWORD" "$port" saas_e2e)

log "build"
cargo leptos build
cargo build -p cognito-local
# The production server must never link the Cognito stand-in.
server_deps=$(cargo tree -p server --edges normal --prefix none)
if grep -q '^cognito-local ' <<<"$server_deps"; then
    die "the server depends on cognito-local"
fi
MIGRATION_DATABASE_URL=$owner_e2e target/debug/server migrate

log "offline query data is current"
DATABASE_URL=$owner_e2e cargo sqlx prepare --workspace --check -- --all-targets

log "clippy"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features \
    --features hydrate --target-dir target/front -- -D warnings

log "unit and integration tests"
DATABASE_URL=$owner_test cargo test --workspace 2>&1 | tee "$LOGS/cargo-test.log"

# One address for the app in both end-to-end runs, so the stand-in can
# register its callback and sign-out URLs up front.
site_port=$(free_port)
site="http://127.0.0.1:$site_port"
start_idp "$site" "$LOGS/cognito.log"
# The demo tenants, users and projects, made as `make dev` makes them.
target/debug/server seed --demo >"$LOGS/seed.log" 2>&1 || { cat "$LOGS/seed.log"; die "seeding failed"; }

# Serves BINARY at $site and runs the Playwright suite against it.
end_to_end() { # binary label leptos-env
    local binary=$1 label=$2 env=$3
    start_server "$binary" "$site_port" "$env" "$LOGS/server-$label.log"
    (cd end2end && BASE_URL="$site" npx playwright test) 2>&1 | tee "$LOGS/playwright-$label.log"
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

log "end-to-end tests, debug build"
# `cargo test` relinked target/debug/server with the dev-dependencies'
# features (test-support); build it again as production builds it.
cargo leptos build
end_to_end target/debug/server debug DEV

# The release build optimises the WASM with wasm-opt, which can break it in
# ways only a browser notices (Debian's binaryen 108 did): test it too.
log "release build"
cargo leptos build --release
log "end-to-end tests, release build"
end_to_end target/release/server release PROD

# One closing line for the whole run.
cargo_passed=$(awk '/test result: ok\./ {s += $4} END {print s + 0}' "$LOGS/cargo-test.log")
e2e_passed=$(awk '/^ *[0-9]+ passed/ {s += $1} END {print s + 0}' "$LOGS"/playwright-*.log)
echo "total: $((cargo_passed + e2e_passed)) passed, 0 failed"
