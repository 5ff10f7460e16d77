#!/usr/bin/env bash
# `make release`: the optimised build, target/release/server and target/site/.
# lib.sh puts binaryen's wasm-opt from tools/ first on PATH, which
# cargo-leptos runs on the release WASM.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
cargo leptos build --release
