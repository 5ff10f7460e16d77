#!/usr/bin/env bash
# A throwaway local Postgres cluster, run as the `postgres` OS user (the
# server refuses to run as root).
#
#   scripts/pg.sh start DIR [PORT]   initdb if new, start, create the roles;
#                                    prints the port
#   scripts/pg.sh createdb DIR DB    create DB owned by saas_owner, if missing
#   scripts/pg.sh stop DIR           stop the cluster, keep its data
#   scripts/pg.sh destroy DIR        stop the cluster and delete its data
#   scripts/pg.sh psql DIR [ARGS]    psql as the superuser
#   scripts/pg.sh logfile DIR        prints the server log's path
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PG_BIN=${PG_BIN:-$( (ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true) | sort -V | tail -n 1)}
[ -x "$PG_BIN/pg_ctl" ] || die "no PostgreSQL server found under /usr/lib/postgresql (run scripts/setup.sh)"

as_pg() { runuser -u postgres -- "$@"; }

# The cluster lives under DIR when the postgres user can reach it; a checkout
# under a private home directory cannot be, so it then lives in /tmp, under a
# name derived from DIR.
data_dir() {
    local dir=$1
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if runuser -u postgres -- test -x "$dir"; then
        echo "$dir"
    else
        local fallback
        fallback="/tmp/saas-pg-$(printf '%s' "$dir" | sha1sum | cut -c1-12)"
        # Root later chowns and deletes it: never follow a planted link.
        if [ -L "$fallback" ] || { [ -e "$fallback" ] && [ ! -d "$fallback" ]; }; then
            die "$fallback exists and is not a directory; remove it"
        fi
        echo "$fallback"
    fi
}

cmd=${1:-}; shift || true
case "$cmd" in
start)
    dir=$(data_dir "$1"); port=${2:-}
    mkdir -p "$dir" && chown postgres:postgres "$dir" && chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        log "initdb in $dir/data"
        as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth-local=peer \
            --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    fi
    if as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        cat "$dir/port"; exit 0
    fi
    if [ -z "$port" ]; then
        port=$(cat "$dir/port" 2>/dev/null || true)
        if [ -z "$port" ] || ! port_is_free "$port"; then port=$(free_port); fi
    fi
    port_is_free "$port" || die "port $port is in use; set PG_PORT to a free one"
    echo "$port" > "$dir/port"
    mkdir -p "$dir/sock" && chown postgres:postgres "$dir/sock"
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { tail -n 20 "$dir/server.log" >&2; die "postgres did not start"; }
    as_pg "$PG_BIN/psql" -h "$dir/sock" -p "$port" -U postgres -d postgres -q \
        -v ON_ERROR_STOP=1 -v owner_password="$OWNER_PASSWORD" -v app_password="$APP_PASSWORD" \
        -f - < "$ROOT/scripts/db/bootstrap.sql" >/dev/null
    echo "$port"
    ;;
createdb)
    dir=$(data_dir "$1"); db=$2; port=$(cat "$dir/port")
    as_pg "$PG_BIN/psql" -h "$dir/sock" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
        -v db="$db" >/dev/null <<'SQL'
select format('create database %I owner saas_owner', :'db')
where not exists (select from pg_database where datname = :'db')
\gexec
SQL
    ;;
stop)
    dir=$(data_dir "$1")
    if [ -f "$dir/data/PG_VERSION" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
destroy)
    dir=$(data_dir "$1")
    if [ -f "$dir/data/PG_VERSION" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
logfile)
    dir=$(data_dir "$1")
    echo "$dir/server.log"
    ;;
psql)
    dir=$(data_dir "$1"); shift; port=$(cat "$dir/port")
    as_pg "$PG_BIN/psql" -h "$dir/sock" -p "$port" -U postgres "$@"
    ;;
*)
    die "usage: scripts/pg.sh start|createdb|stop|destroy|psql|logfile DIR …"
    ;;
esac
