#!/usr/bin/env bash
# Benchmark of the waiting-room screens' stream (issue 21): N server-sent-event subscribers on ONE queue
# of projection-worker while paced commands flow on that queue through api-service -> outbox-worker ->
# RabbitMQ -> projection-worker (NOTIFY in the projection's write transaction -> fan-out).
# Starts the three packaged services on loopback against a fresh database with a throw-away issuer (as
# bench/end-to-end.sh does), then runs bench/lib/DisplayStreamLoad.java (JDK HttpClient, HTTP/1.1, async
# line subscribers on 2 threads, no thread per connection), which prints:
#   - that every subscriber received its first snapshot (and its data's "version" = its id);
#   - commit->screen latency, p50/p95/p99/max over every (subscriber, command) pair: from the command's
#     2xx answer (its commit has happened) to the arrival at that subscriber of the first snapshot whose
#     version >= the command's version; snapshots per subscriber vs commands (coalescing); subscribers
#     that missed the final version (must be 0) or were dropped;
#   - memory per subscriber: projection-worker heap used after `jcmd GC.run` and RSS, 0 vs N open, / N;
#   - CPU of the fan-out: projection-worker CPU (/proc) over paced phases interleaved 0, N, 0, N
#     subscribers, as ms/s and µs per delivered snapshot.
# Commands: check-ins and leaves alternating (queue stays at ~50 patients), open loop at RATE/s.
# Bounded: ~4 minutes (SECONDS=30) plus builds.
# Usage: bench/display-stream.sh [subscribers=1000] [rate=200] [seconds=30]
# Env: BENCH_WARMUP_SECONDS (30), PG_HOST PG_PORT, PG_ADMIN_USER (postgres), BENCH_DB
#      (waitingroom_display_bench, dropped and created at every run), JAVA_OPTS (-Xmx384m per service).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

SUBSCRIBERS=${1:-1000}
RATE=${2:-200}
SECONDS_PER_PHASE=${3:-30}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-30}
DB=${BENCH_DB:-waitingroom_display_bench}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_ADMIN_USER=${PG_ADMIN_USER:-postgres}
API_PORT=18280
OUTBOX_PORT=18281
PROJECTION_PORT=18282
MANAGEMENT_PORT_OFFSET=1000 # management port of each service: its HTTP port + 1000
EXCHANGE=bench.display.events
QUEUE=bench.display.read-models
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# N streams on the server and N on the client, in this shell's children.
ulimit -n "$(( SUBSCRIBERS * 2 + 4096 ))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $(( SUBSCRIBERS + 1024 )) ] ||
  { echo "ulimit -n $(ulimit -n) is too low for $SUBSCRIBERS subscribers" >&2; exit 1; }

psql_admin() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN_USER" -d postgres -q "$@"; }

for module in api-service outbox-worker projection-worker; do
  [ -f "$module/target/quarkus-app/quarkus-run.jar" ] || mvn -B -ntp -o -q -f "$module/pom.xml" package -DskipTests
done

# A throw-away token issuer for this run: the services trust its public key; the load client sends a
# receptionist's token with the commands and a viewer's (a screen's) with the streams.
bench_issuer "$WORK/state" receptionist bench-receptionist
RECEPTIONIST_TOKEN=$BENCH_TOKEN
VIEWER_TOKEN=$(bash deploy/local/token.sh viewer bench-screen 86400)

psql_admin -c "DROP DATABASE IF EXISTS \"$DB\"" -c "CREATE DATABASE \"$DB\" OWNER waitingroom"
rabbitmqctl -q delete_queue "$QUEUE" >/dev/null 2>&1 || true

start_service() { # module port
  local management=$(( $2 + MANAGEMENT_PORT_OFFSET ))
  service_command "$1" ${JAVA_OPTS:--Xmx384m}
  PG_DB=$DB HTTP_PORT=$2 MANAGEMENT_PORT=$management EVENTS_EXCHANGE=$EXCHANGE PROJECTION_QUEUE=$QUEUE \
    DEAD_LETTER_EXCHANGE=$EXCHANGE.dlx LOG_JSON=false "${SERVICE_CMD[@]}" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$management/q/health/ready" "$!" "$WORK/$1.log"
}
start_service api-service $API_PORT
start_service projection-worker $PROJECTION_PORT
start_service outbox-worker $OUTBOX_PORT
PROJECTION_PID=${PIDS[1]}

echo "display-stream benchmark: $(nproc) cores shared by 3 services, PostgreSQL, RabbitMQ and the load client;"
echo "$SUBSCRIBERS subscribers on one queue, $RATE commands/s (check-in/leave alternating), ${SECONDS_PER_PHASE} s per phase;" \
  "commit $(git rev-parse --short HEAD); load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
java -Xmx1g bench/lib/DisplayStreamLoad.java "http://127.0.0.1:$API_PORT" "http://127.0.0.1:$PROJECTION_PORT" \
  "http://127.0.0.1:$(( PROJECTION_PORT + MANAGEMENT_PORT_OFFSET ))" "screen-$(date +%s)" \
  "$RECEPTIONIST_TOKEN" "$VIEWER_TOKEN" "$PROJECTION_PID" "$SUBSCRIBERS" "$RATE" "$SECONDS_PER_PHASE" \
  "$WARMUP_SECONDS" "$(getconf CLK_TCK)" || status=$?

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for module in api-service outbox-worker projection-worker; do
  problems=$(grep -cE '(WARN|ERROR)' "$WORK/$module.log" || true)
  echo "$module log: $problems WARN/ERROR lines"
  grep -E "(WARN|ERROR)" "$WORK/$module.log" | cut -d" " -f3- | cut -c1-300 | sort | uniq -c | sort -rn | head -5 | sed 's/^/    /'
done
exit $status
