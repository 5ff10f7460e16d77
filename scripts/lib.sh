# Shared helpers for the project's scripts. Sourced, not run.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROOT

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# A TCP port nobody listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_is_free() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
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
