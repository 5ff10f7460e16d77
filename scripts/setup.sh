#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine, and
# skips whatever is already there at the right version. Safe to run often:
# `make dev` and `make test` run it first.
#
# Everything comes from the package registries (Debian, crates.io, npm):
# no step downloads a prebuilt binary or a browser of its own.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CARGO_LEPTOS_VERSION=0.3.10   # 0.3.11 needs rustc 1.96
WASM_BINDGEN_VERSION=0.2.130  # must equal the wasm-bindgen crate in Cargo.lock
SQLX_CLI_VERSION=0.8.6        # must match the sqlx crate

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else die "need root to run: $*"; fi
}

# --- Debian packages -------------------------------------------------------
missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v chromium >/dev/null || missing+=(chromium)
command -v curl >/dev/null || missing+=(curl)
command -v runuser >/dev/null || missing+=(util-linux)
command -v python3 >/dev/null || missing+=(python3)
command -v npm >/dev/null || missing+=(nodejs npm)
# The load tool of `make bench` (pgbench comes with the PostgreSQL client).
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Rust ------------------------------------------------------------------
# (grep reads a here-string, not a pipe: with pipefail, `cmd | grep -q` can
# fail on SIGPIPE even when grep matched.)
if ! grep -qx wasm32-unknown-unknown <<<"$(rustup target list --installed)"; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
    grep -q "^$component" <<<"$(rustup component list --installed)" || rustup component add "$component"
done

# cargo-leptos only orchestrates builds, so a debug build of the tool itself
# (8 minutes here rather than 28) costs nothing noticeable at run time.
if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
    log "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (about 8 minutes)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --debug -j 2
fi
# Without --locked: its lock file names a webpki-roots release the registry
# does not serve. cargo-leptos would otherwise try to download a binary.
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 6 minutes)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" -j 2
fi
if ! grep -qx "sqlx-cli[-a-z]* $SQLX_CLI_VERSION" <<<"$(cargo sqlx --version 2>/dev/null || true)"; then
    log "cargo install sqlx-cli $SQLX_CLI_VERSION (about 4 minutes)"
    cargo install sqlx-cli --locked --version "$SQLX_CLI_VERSION" \
        --no-default-features --features rustls,postgres -j 2
fi

# --- npm packages ----------------------------------------------------------
# end2end: the Playwright runner only; the browser is Debian's Chromium.
# tools: binaryen's wasm-opt for release builds (see tools/package.json).
for dir in end2end tools; do
    lock="$ROOT/$dir/package-lock.json"
    stamp="$ROOT/$dir/node_modules/.package-lock.json"
    if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
        log "npm ci in $dir"
        (cd "$ROOT/$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
done
