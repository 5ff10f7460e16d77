#!/usr/bin/env bash
# `make bench`: the load figures, as ratios to baselines measured in the same
# run. Starts a throwaway stack (its own Postgres cluster, the Cognito
# stand-in, the demo tenants filled to full pages), signs a Member in through
# the hosted UI, and measures with wrk and pgbench:
#
#   floor          GET /livez: no session, no database
#   pages          GET /projects (50 rows), GET /projects/:id (30 tasks), and
#                  the list_projects server function: req/s, p50, p99
#   baseline       bench/baseline: bare axum + sqlx running the same list
#                  query in the same kind of tenant transaction
#   database       pgbench as the app role: every statement of one page
#                  (sql/page.sql); the list query under row-level security
#                  (sql/list.sql) against the same query with an explicit
#                  tenant filter and RLS bypassed (sql/list_filter.sql)
#   round trips    the statements one GET /projects sends, from Postgres'
#                  own statement log
#   organisation   the list query (pgbench) for a member with roles given
#                  per unit in a 2,000-unit tenant, against the same list in
#                  a flat tenant of as many projects; the list filtered to a
#                  unit's subtree; one project write in each
#   scale          /projects and the list query again with 10,000 tenants
#                  and over a million projects
#   memory, CPU    server RSS idle and at its peak; server CPU per request
#
# Each figure is the median of three runs. Prints a table and writes it to
# target/bench/results.json (and .txt).
#
#   scripts/bench/run.sh              (make bench builds what it needs first)
#   DURATION=10s LARGE_TENANTS=2000 scripts/bench/run.sh
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

server=target/release/server
baseline=target/release/bench-baseline
[ -x "$server" ] || die "no server binary at $server (make release)"
[ -x "$baseline" ] || die "no baseline binary at $baseline (cargo build --release -p bench-baseline)"
command -v wrk >/dev/null || die "wrk is missing: scripts/setup.sh (or make test) installs it"
command -v pgbench >/dev/null || die "pgbench is missing: apt-get install postgresql-client"
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-8}
LARGE_TENANTS=${LARGE_TENANTS:-10000}
LARGE_PROJECTS=${LARGE_PROJECTS:-101}
ORG_PROJECTS=${ORG_PROJECTS:-20000}

OUT="$ROOT/target/bench"
PGDIR="$ROOT/.local/pg-bench"
LOGS="$ROOT/.local/bench-logs"
mkdir -p "$OUT" "$LOGS"
RESULTS="$OUT/results.txt"
: >"$RESULTS"
record() { echo "$*" >>"$RESULTS"; }

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    scripts/pg.sh destroy "$PGDIR"
}
trap cleanup EXIT

# --- the stack ---------------------------------------------------------------
scripts/pg.sh destroy "$PGDIR"
port=$(scripts/pg.sh start "$PGDIR")
scripts/pg.sh createdb "$PGDIR" saas_bench
psql_su() { scripts/pg.sh psql "$PGDIR" -d saas_bench -q -v ON_ERROR_STOP=1 "$@"; }
MIGRATION_DATABASE_URL=$(db_url saas_owner "$OWNER_PASSWORD" "$port" saas_bench) "$server" migrate
APP_URL=$(db_url saas_app "$APP_PASSWORD" "$port" saas_bench)
export APP_DATABASE_URL=$APP_URL

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

log "filling the measured tenant and adding 8 more (10 tenants)"
psql_su -v tenant_name="Acme Corp" -v projects=60 -v tasks=30 -f scripts/bench/sql/fill.sql
psql_su -v tenants=8 -v projects=60 -f scripts/bench/sql/tenants.sql
# The RLS baseline's role: bypasses row-level security, reads projects only.
psql_su -c "create role bench_bypass login bypassrls password 'bench_bypass'; grant select on projects to bench_bypass"

# The API's rate limit would turn most of wrk's requests into 429s.
API_RATE_LIMIT_BURST=100000 API_RATE_LIMIT_PER_SECOND=100000 \
LEPTOS_SITE_ADDR="127.0.0.1:$site_port" LEPTOS_ENV=PROD RUST_LOG=warn "$server" >"$LOGS/server.log" 2>&1 &
server_pid=$!
pids+=($server_pid)
for _ in $(seq 1 100); do curl -fsS "$site/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

cookie=$(scripts/bench/sign_in.py "$site" max@acme.test Demo-pass-1)
tenant=$(psql_su -Atc "select tenant_id from tenants where name = 'Acme Corp'")
sub=$(psql_su -Atc "select cognito_sub from members where email = 'max@acme.test'")
member=$(psql_su -Atc "select id from members where email = 'max@acme.test'")
project=$(psql_su -Atc "select id from projects where tenant_id = '$tenant' and name = 'Project 000001'")
sid=$(psql_su -Atc "select id from tower_sessions.session order by expiry_date desc limit 1")
rows=$(curl -fsS -H "Cookie: $cookie" "$site/projects" | grep -o 'href="/projects/[0-9a-f-]\{36\}"' | sort -u | wc -l)
[ "$rows" -ge 50 ] || die "/projects shows $rows project links, not 50"
# A ReadOnly API key, made by the tenant's Admin on the settings page's
# server function, for GET /api/v1/projects.
admin_cookie=$(scripts/bench/sign_in.py "$site" ada@acme.test Demo-pass-1)
api_key=$(curl -fsS -X POST -H "Cookie: $admin_cookie" -H "Origin: $site" -H "Accept: application/json" \
    --data "name=bench-$$&role=ReadOnly&expires_in_days=1" "$site/api/create_api_key" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')
api_rows=$(curl -fsS -H "Authorization: Bearer $api_key" "$site/api/v1/projects" |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')
[ "$api_rows" -eq 50 ] || die "/api/v1/projects lists $api_rows projects, not 50"

baseline_port=$(free_port)
"$baseline" "127.0.0.1:$baseline_port" "$APP_URL" "$tenant" "$member" >"$LOGS/baseline.log" 2>&1 &
baseline_pid=$!
pids+=($baseline_pid)
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$baseline_port/projects" >/dev/null 2>&1 && break; sleep 0.2; done

# --- measuring ---------------------------------------------------------------
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk "/^$2:/ {print \$2}" "/proc/$1/status"; }
ms() { # wrk's "1.23ms" / "456.00us" / "1.02s" → milliseconds
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
        else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 }
        else print v }'
}
median() { sort -g | sed -n 2p; }

# wrk_once KEY PID URL [wrk args]: one wrk run; appends its req/s, p50,
# p99 and the process' CPU per request to $RUNS/KEY.
RUNS="$OUT/runs"
rm -rf "$RUNS" && mkdir -p "$RUNS"
wrk_once() {
    local key=$1 pid=$2 url=$3; shift 3
    local before after out requests non2xx rate p50 p99 cpu
    before=$(cpu_ticks "$pid")
    out=$(wrk -t 2 -c "$CONNECTIONS" -d "$DURATION" --latency "$@" "$url")
    after=$(cpu_ticks "$pid")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    [ -z "$non2xx" ] || die "$key: $non2xx non-2xx answers from $url"
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    # Clock ticks (CLK_TCK a second) per request, in ms.
    cpu=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {print t * 1000 / hz / n}')
    echo "$rate $p50 $p99 $cpu" >>"$RUNS/$key"
    echo "  $key: $rate req/s, p50 $p50 ms, p99 $p99 ms, CPU $cpu ms/request" >&2
}

# summarise KEY: records the median of each figure over KEY's runs.
summarise() {
    local key=$1 column=1 name
    for name in rps p50_ms p99_ms cpu_ms; do
        record "$key.$name $(awk -v c=$column '{print $c}' "$RUNS/$key" | median)"
        column=$((column + 1))
    done
}

# pgbench_once ROLE PASSWORD SCRIPT [-D …]: the tps of one run.
pgbench_once() {
    local role=$1 password=$2 script=$3; shift 3
    local tps
    tps=$(PGPASSWORD=$password pgbench -n -M prepared -c "$CONNECTIONS" -j 2 -T "${DURATION%s}" \
        -h 127.0.0.1 -p "$port" -U "$role" "$@" -f "$script" saas_bench 2>&1 | awk '/^tps/ {print $3}')
    [ -n "$tps" ] || die "pgbench failed (run it by hand: $script)"
    echo "$tps"
}

# pgbench_figures KEY ROLE PASSWORD SCRIPT [-D …]: median tps of three runs.
pgbench_figures() {
    local key=$1; shift
    local tps=()
    for i in 1 2 3; do
        tps+=("$(pgbench_once "$@")")
        echo "  $key run $i: ${tps[-1]} tps" >&2
    done
    record "$key.tps $(printf '%s\n' "${tps[@]}" | median)"
}

# rls_figures PREFIX: the list query under RLS and with an explicit filter,
# their runs interleaved (RLS, filter, RLS, …) so the machine's drift falls
# on both alike.
rls_figures() {
    local prefix=$1 rls=() filter=()
    for i in 1 2 3; do
        rls+=("$(pgbench_once saas_app "$APP_PASSWORD" scripts/bench/sql/list.sql -D tenant="$tenant" -D member="$member")")
        filter+=("$(pgbench_once bench_bypass bench_bypass scripts/bench/sql/list_filter.sql -D tenant="$tenant")")
        echo "  ${prefix}list run $i: RLS ${rls[-1]} tps, explicit filter ${filter[-1]} tps" >&2
    done
    record "${prefix}list_rls.tps $(printf '%s\n' "${rls[@]}" | median)"
    record "${prefix}list_filter.tps $(printf '%s\n' "${filter[@]}" | median)"
}

record "server.rss_idle_kb $(rss_kb "$server_pid" VmRSS)"

log "round trips: the statement log of 10 sequential GET /projects"
psql_su -c "alter system set log_statement = 'all'" -c "select pg_reload_conf()" >/dev/null
sleep 0.5
pglog=$(scripts/pg.sh logfile "$PGDIR")
from=$(stat -c %s "$pglog")
for _ in $(seq 1 10); do curl -fsS -o /dev/null -H "Cookie: $cookie" "$site/projects"; done
sleep 1
tail -c +"$((from + 1))" "$pglog" >"$LOGS/statements.log"
psql_su -c "alter system reset log_statement" -c "select pg_reload_conf()" >/dev/null
statements=$(grep -cE 'LOG:  (statement|execute [^:]*):' "$LOGS/statements.log" || true)
record "round_trips.statements_per_page $(awk -v n="$statements" 'BEGIN {print n / 10}')"
echo "  one page's statements (from $LOGS/statements.log):" >&2
grep -E 'LOG:  (statement|execute [^:]*):' "$LOGS/statements.log" | sed -E 's/.*LOG:  //' |
    cut -c1-110 | sed 's/^/    /' | head -n "$((statements / 10))" >&2 || true

log "wrk -c $CONNECTIONS -d $DURATION, 10 tenants, three rounds"
# Each round measures every request once, so the machine's drift falls on
# all of them alike, baseline included.
for round in 1 2 3; do
    echo "  round $round" >&2
    wrk_once floor "$server_pid" "$site/livez"
    wrk_once projects "$server_pid" "$site/projects" -H "Cookie: $cookie"
    wrk_once baseline "$baseline_pid" "http://127.0.0.1:$baseline_port/projects"
    wrk_once project "$server_pid" "$site/projects/$project" -H "Cookie: $cookie"
    BENCH_ORIGIN=$site BENCH_COOKIE=$cookie wrk_once server_fn "$server_pid" \
        "$site/api/list_projects" -s scripts/bench/server_fn.lua
    wrk_once api_projects "$server_pid" "$site/api/v1/projects" -H "Authorization: Bearer $api_key"
done
for key in floor projects baseline project server_fn api_projects; do summarise "$key"; done
record "server.rss_peak_kb $(rss_kb "$server_pid" VmHWM)"

log "pgbench -M prepared -c $CONNECTIONS -T ${DURATION%s}, 10 tenants"
pgbench_figures db_page saas_app "$APP_PASSWORD" scripts/bench/sql/page.sql \
    -D sid="$sid" -D tenant="$tenant" -D sub="$sub"
rls_figures ""
echo "  the list query's plan under RLS:" >&2
PGPASSWORD=$APP_PASSWORD psql -h 127.0.0.1 -p "$port" -U saas_app -d saas_bench -qAt \
    -c "begin" -c "select set_config('app.tenant_id', '$tenant', true), set_config('app.member_id', '$member', true)" \
    -c "explain select id, name from projects where archived_at is null order by lower(name), id limit 50" \
    -c "commit" 2>&1 | grep -v '^Acme\|^[0-9a-f-]\{36\}$' | sed 's/^/    /' >&2

log "organisation: a 2,000-unit tenant against a flat one, $ORG_PROJECTS projects each"
psql_su -v projects="$ORG_PROJECTS" -f scripts/bench/sql/org.sql
deep=0b9e6a5e-1c1f-4c55-9d3a-de0000000001
flat=0b9e6a5e-1c1f-4c55-9d3a-f1a700000001
deep_member=$(psql_su -Atc "select id from members where email = 'deep@bench.test'")
flat_member=$(psql_su -Atc "select id from members where email = 'flat@bench.test'")
# A first-level unit (a third of the tree) for the filtered list, and a
# project where the deep member is Admin for the write.
deep_unit=$(psql_su -Atc "select id from org_units where tenant_id = '$deep' and name = 'Unit 1.1'")
deep_project=$(psql_su -Atc "select p.id from projects p
    join org_unit_paths x on x.tenant_id = p.tenant_id and x.unit_id = p.unit_id
    join org_units a on a.tenant_id = x.tenant_id and a.id = x.ancestor_id
    where p.tenant_id = '$deep' and a.name = 'Unit 2.1' limit 1")
flat_project=$(psql_su -Atc "select id from projects where tenant_id = '$flat' limit 1")
# Interleaved, so the machine's drift falls on all alike.
org_once() { # key script tenant member [-D …]
    local key=$1 script=$2 tenant=$3 who=$4; shift 4
    local tps
    tps=$(pgbench_once saas_app "$APP_PASSWORD" "$script" -D tenant="$tenant" -D member="$who" "$@")
    echo "$tps" >>"$RUNS/$key"
    echo "  $key: $tps tps" >&2
}
for round in 1 2 3; do
    org_once org_list_deep scripts/bench/sql/list.sql "$deep" "$deep_member"
    org_once org_list_flat scripts/bench/sql/list.sql "$flat" "$flat_member"
    org_once org_list_unit scripts/bench/sql/list_unit.sql "$deep" "$deep_member" -D unit="$deep_unit"
    org_once org_write_deep scripts/bench/sql/write.sql "$deep" "$deep_member" -D project="$deep_project"
    org_once org_write_flat scripts/bench/sql/write.sql "$flat" "$flat_member" -D project="$flat_project"
done
for key in org_list_deep org_list_flat org_list_unit org_write_deep org_write_flat; do
    record "$key.tps $(median <"$RUNS/$key")"
done

log "scale: $LARGE_TENANTS tenants, $LARGE_PROJECTS projects each"
psql_su -v tenants=$((LARGE_TENANTS - 10)) -v projects="$LARGE_PROJECTS" -f scripts/bench/sql/tenants.sql
record "large.tenants $(psql_su -Atc 'select count(*) from tenants')"
record "large.projects $(psql_su -Atc 'select count(*) from projects')"
for round in 1 2 3; do
    wrk_once large_projects "$server_pid" "$site/projects" -H "Cookie: $cookie"
    wrk_once large_baseline "$baseline_pid" "http://127.0.0.1:$baseline_port/projects"
done
summarise large_projects
summarise large_baseline
rls_figures large_

python3 scripts/bench/report.py "$RESULTS" "$OUT/results.json"
