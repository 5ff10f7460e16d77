# Entry points. Each target is a script under scripts/ so it can be read (and
# run) on its own.
.PHONY: dev test build release prepare clean-db fmt setup bench bench-tokens screenshots

## make dev      — local Postgres + migrations + the app at http://localhost:3000, live rebuild
dev:
	scripts/dev.sh

## make test     — fmt, clippy, unit, integration (real Postgres) and Playwright tests
test:
	scripts/test.sh

## make setup    — install the toolchain pieces and packages the project needs
setup:
	scripts/setup.sh

## make build    — debug build of the server and the WASM client
build:
	cargo leptos build

## make release  — optimised build: target/release/server and target/site/
release:
	scripts/release.sh

## make bench    — load figures as ratios to baselines measured in the same run (wrk, pgbench; scripts/bench/run.sh)
bench: release
	cargo build --release -p bench-baseline
	scripts/bench/run.sh

## make bench-tokens — ID-token verification (criterion; builds the server a third time, in the bench profile)
bench-tokens:
	cargo bench -p server

## make screenshots — the main pages at 1280×800 and 390×844, as PNGs in target/screenshots/
screenshots:
	scripts/screenshots.sh

## make prepare  — regenerate .sqlx/ (offline query data) after changing SQL
prepare:
	scripts/prepare.sh

## make clean-db — stop the dev Postgres and delete its data (and the Cognito stand-in's users)
clean-db:
	scripts/pg.sh destroy .local/pg-dev
	rm -f .local/cognito-state.json .local/session-key

fmt:
	cargo fmt --all
