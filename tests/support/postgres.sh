#!/usr/bin/env bash
# A throw-away PostgreSQL server for tests, on loopback only, with its data and socket in DIR.
#   postgres.sh start DIR PORT   initdb + start; prints the DSN of database "postgres"
#   postgres.sh stop DIR         stop it (fast shutdown) and keep DIR
#   postgres.sh kill DIR         stop it immediately (as a crash would) and keep DIR
# As root it runs the server as the "postgres" user (PostgreSQL refuses to run as root).
# Authentication is "trust" for 127.0.0.1 only: nothing but local tests can reach it.
set -euo pipefail
command=${1:?start|stop|kill}
dir=${2:?data directory}

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bindir=$candidate
done
if [ -z "$bindir" ]; then
  echo "postgres.sh: no PostgreSQL server found (apt-get install postgresql; tools/install-deps.sh does)" >&2
  exit 2
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    port=${3:?port}
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      # The server user must be able to walk down to DIR (test temp folders are 0700 root).
      parent=$(dirname "$(realpath "$dir")")
      while [ "$parent" != "/" ]; do
        [ -x "$parent" ] && runuser -u postgres -- test -x "$parent" || chmod o+x "$parent"
        parent=$(dirname "$parent")
      done
    fi
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/data" --auth=trust --username=postgres --encoding=UTF8 --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # fsync stays on: the tests kill servers and count what survived.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=60 -c shared_buffers=32MB" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "host=127.0.0.1 port=$port user=postgres dbname=postgres connect_timeout=5"
    ;;
  stop)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  kill)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "postgres.sh: unknown command $command" >&2
    exit 2
    ;;
esac
