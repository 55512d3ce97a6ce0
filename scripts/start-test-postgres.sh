#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL for the tests that run against a real database
# (TestDatabases from @backstage/backend-test-utils), and prints on stdout only:
#
#   export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres@127.0.0.1:<port>/postgres
#
# so callers do:   eval "$(scripts/start-test-postgres.sh)"
# Stop it with:    scripts/start-test-postgres.sh --stop
#
# Idempotent: installs Debian's postgresql when missing (sudo when not root), creates the
# cluster once under .data/test-postgres (git-ignored), starts it when it is not running, on a
# free loopback port (TCP on 127.0.0.1 only, no unix socket, trust authentication: for tests
# only). PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user;
# when that user cannot reach the repository (e.g. it is mode 700), the data directory lives in
# /var/lib/postgresql/backstage-test-<hash> and .data/test-postgres/data links to it.
set -euo pipefail
# runuser, pg_ctlcluster and friends live in the sbin directories, which a minimal PATH lacks
export PATH="$PATH:/usr/sbin:/sbin"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$repo/.data/test-postgres"
# The server user may not be allowed into the caller's working directory.
cd /
log() { echo "start-test-postgres: $*" >&2; }
die() { log "$*"; exit 1; }

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)

bindir() {
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
    echo /usr/lib/postgresql/15/bin
  else
    find /usr/lib/postgresql -maxdepth 3 -path '*/bin/initdb' -printf '%h\n' 2>/dev/null | sort -V | tail -n 1
  fi
}

if [ -z "$(bindir)" ]; then
  log "installing postgresql with apt-get"
  "${sudo_cmd[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq postgresql >&2
fi
bin="$(bindir)"
[ -n "$bin" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql after installing"
case "$bin" in
  */15/bin) ;;
  *) log "warning: using $bin, not PostgreSQL 15, for the POSTGRES_15 tests" ;;
esac

mkdir -p "$state"
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root but there is no postgres user to run the server as"
  as_server=(runuser -u postgres --)
  if [ -L "$state/data" ]; then
    data="$(readlink "$state/data")"
  elif runuser -u postgres -- test -x "$state"; then
    data="$state/data"
  else
    data="/var/lib/postgresql/backstage-test-$(printf '%s' "$repo" | sha1sum | cut -c1-12)"
    ln -sfn "$data" "$state/data"
  fi
  mkdir -p "$data"
  chown postgres: "$data"
  chmod 700 "$data"
else
  as_server=()
  data="$state/data"
  mkdir -p "$data"
  chmod 700 "$data"
fi

pg_ctl() { "${as_server[@]}" "$bin/pg_ctl" -D "$data" "$@"; }

if [ "${1:-}" = "--stop" ]; then
  if pg_ctl status >/dev/null 2>&1; then
    pg_ctl stop -m fast >&2
  else
    log "not running"
  fi
  exit 0
fi

if [ ! -s "$data/PG_VERSION" ]; then
  log "creating a cluster in $data"
  "${as_server[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
  cat >>"$data/postgresql.conf" <<CONF

# start-test-postgres.sh: a disposable server for tests
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if pg_ctl status >/dev/null 2>&1; then
  port="$(cat "$state/port")"
else
  port="$(cat "$state/port" 2>/dev/null || true)"
  if [ -z "$port" ] || port_in_use "$port"; then
    port=""
    for candidate in $(seq 54329 54429); do
      if ! port_in_use "$candidate"; then
        port="$candidate"
        break
      fi
    done
    [ -n "$port" ] || die "no free port in 54329-54429 on 127.0.0.1"
  fi
  echo "$port" >"$state/port"
  log "starting PostgreSQL on 127.0.0.1:$port (log: $data/server.log)"
  pg_ctl start -w -t 60 -l "$data/server.log" -o "-p $port" >/dev/null ||
    { tail -n 20 "$data/server.log" >&2 || true; die "PostgreSQL did not start"; }
fi

"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30 || die "PostgreSQL on port $port is not accepting connections"
echo "export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres@127.0.0.1:$port/postgres"
