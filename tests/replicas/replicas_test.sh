#!/usr/bin/env bash
# Three cdsd replicas behind nginx (grpc_pass), one PostgreSQL audit trail, all on loopback and
# started here; everything is stopped on exit. Checks:
#   1. a bounded load through nginx with replica 2 killed (SIGKILL) once a fifth of it is
#      recorded: with retries of
#      UNAVAILABLE the client sees no failed call;
#   2. feedback on cards issued by any replica, sent to replica 3 only: every entry recorded;
#   3. cdsctl audit verify --dsn over the shared chain: intact, with a record for every answer;
#   4. capacity of one replica alone (printed, not asserted).
# Usage: replicas_test.sh CDSD CDSCTL CLIENT PLUGIN_DIR SOURCE_DIR
set -euo pipefail
cdsd=$1 cdsctl=$2 client=$3 plugins=$4 source=$5
requests=${REPLICA_TEST_REQUESTS:-3000}

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  "$source/tests/support/postgres.sh" stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_serving() {  # port
  for _ in $(seq 1 150); do
    "$cdsctl" --address "127.0.0.1:$1" --timeout-ms 1000 health >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "replicas: replica on port $1 did not become SERVING" >&2
  return 1
}

pg_port=$(free_port)
dsn_admin=$("$source/tests/support/postgres.sh" start "$work/pg" "$pg_port")
psql "$dsn_admin" -qAtc "CREATE DATABASE cdsd" >/dev/null
dsn=${dsn_admin/dbname=postgres/dbname=cdsd}

# One pseudonym key for every replica, made before any of them starts.
head -c 32 /dev/urandom >"$work/pseudonym.key"
chmod 600 "$work/pseudonym.key"

ports=()
for i in 1 2 3; do
  port=$(free_port)
  ports+=("$port")
  mkdir -p "$work/r$i"
  cat >"$work/r$i/cdsd.yaml" <<EOF
listen: 127.0.0.1:$port
audit:
  backend: postgresql
  postgresql:
    dsn: "$dsn"
  pseudonym_key_file: $work/pseudonym.key
  durability: sync
logging:
  format: json
  level: warn
shared_settings:
  label_edition: us-2025
plugins:
  - id: ketamine-eligibility
    path: $plugins/libketamine_eligibility.so
    timeout_ms: 500
  - id: ketamine-dosing-schedule
    path: $plugins/libketamine_dosing_schedule.so
    timeout_ms: 500
  - id: ketamine-side-effect-triage
    path: $plugins/libketamine_side_effect_triage.so
    timeout_ms: 500
EOF
  "$cdsd" --config "$work/r$i/cdsd.yaml" >"$work/r$i/log" 2>&1 &
  pids+=($!)
done
for port in "${ports[@]}"; do wait_serving "$port"; done

lb_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
daemon on;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream cdsd {
    server 127.0.0.1:${ports[0]} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:${ports[1]} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:${ports[2]} max_fails=1 fail_timeout=5s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$lb_port http2;
    location / {
      grpc_pass grpc://cdsd;
      grpc_next_upstream error timeout;
      grpc_connect_timeout 1s;
    }
  }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
for _ in $(seq 1 50); do [ -s "$work/nginx.pid" ] && break; sleep 0.1; done

request="$source/examples/eligibility/eligible.json"
"$client" --target "127.0.0.1:$lb_port" --request "$request" --requests 50 --in-flight 4 >/dev/null  # warm-up

# Replica 2 dies (SIGKILL) while the load runs: once a fifth of the load is recorded, whatever
# the speed of the machine, and the marker says it happened before the load ended.
( target=$(( 50 + requests / 5 ))
  for _ in $(seq 1 600); do
    [ "$(psql "$dsn" -qAtc "SELECT count(*) FROM evaluations" 2>/dev/null || echo 0)" -ge "$target" ] && break
    sleep 0.05
  done
  kill -9 "${pids[1]}" && touch "$work/killed" ) &
killer=$!
result=$("$client" --target "127.0.0.1:$lb_port" --request "$request" --requests "$requests" --in-flight 8 \
  --retries 6 --feedback-target "127.0.0.1:${ports[2]}" --feedback 100) || {
  echo "$result"
  echo "replicas: FAILED: calls failed through nginx with a replica killed" >&2
  tail -20 "$work/nginx/error.log" >&2 || true
  exit 1
}
[ -f "$work/killed" ] || { echo "replicas: FAILED: the load ended before replica 2 was killed" >&2; exit 1; }
wait "$killer" || true
echo "$result" | sed 's/^/replicas: /'
echo "$result" | grep -q "^feedback: sent 100 ok 100 failed 0" || {
  echo "replicas: FAILED: feedback through replica 3 was not recorded for every card" >&2; exit 1; }

verify=$("$cdsctl" audit verify --dsn "$dsn") || { echo "$verify"; echo "replicas: FAILED: audit verify" >&2; exit 1; }
echo "replicas: audit verify: $verify"
checked=$(echo "$verify" | sed -n 's/^intact: \([0-9]*\) record.*/\1/p')
answered=$(( requests + 50 ))
# Every answered call has a record; a call cut off by the kill may have a record and no answer.
if [ -z "$checked" ] || [ "$checked" -lt "$answered" ]; then
  echo "replicas: FAILED: $checked records for $answered answered evaluations" >&2
  exit 1
fi
feedback_rows=$(psql "$dsn" -qAtc "SELECT count(*) FROM feedback")
[ "$feedback_rows" -eq 100 ] || { echo "replicas: FAILED: $feedback_rows feedback rows, expected 100" >&2; exit 1; }

single=$("$client" --target "127.0.0.1:${ports[0]}" --request "$request" --requests 1000 --in-flight 8)
echo "replicas: one replica alone: $single"
echo "replicas: OK"
