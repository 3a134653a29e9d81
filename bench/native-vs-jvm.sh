#!/usr/bin/env bash
# Start-up and idle memory of each service, JVM jar against native executable, interleaved
# (jvm, native, jvm, native, …) so that the shared machine's noise hits both. For every start it
# prints the time from exec to a 200 from /q/health/ready (database migrated, broker connected)
# and the resident set size (RSS) 5 s after, then stops the process with SIGTERM and prints how
# long it took to exit. Throughput and RSS under load: bench/api-service.sh and
# bench/event-ingest-service.sh with BENCH_NATIVE=1 (they print the peak RSS).
# Needs both builds: mvn package (jar) and mvn -Pnative verify -f MODULE/pom.xml (native).
# The services run against their own databases, waitingroom_native_bench and eventingest_native_bench
# (created when missing, kept: drop them by hand), on ports 18180/19180.
# ROUNDS (3) starts of each; SERVICES ("api-service outbox-worker projection-worker event-ingest-service").
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

ROUNDS=${ROUNDS:-3}
SERVICES=${SERVICES:-"api-service outbox-worker projection-worker event-ingest-service"}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
DB=waitingroom_native_bench
INGEST_DB=eventingest_native_bench
PORT=18180
MANAGEMENT_PORT=19180
WORK=$(mktemp -d)
PID=""
cleanup() { [ -z "$PID" ] || kill -9 "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

for db in "$DB" "$INGEST_DB"; do
  if ! PGPASSWORD=${PG_PASSWORD:-waitingroom} psql -h "$PG_HOST" -p "$PG_PORT" -U waitingroom -d "$db" -c 'select 1' >/dev/null 2>&1; then
    psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $db OWNER waitingroom"
  fi
done
bench_issuer "$WORK/state" viewer bench-viewer
export EVENTS_EXCHANGE=native-bench.events PROJECTION_QUEUE=native-bench.projection
export HTTP_PORT=$PORT MANAGEMENT_PORT=$MANAGEMENT_PORT

millis() { date +%s%3N; }

# start_once MODULE MODE: sets READY (ms), RSS (MB), EXITED (ms from SIGTERM to exit)
start_once() {
  local module=$1 mode=$2 started stopping
  BENCH_NATIVE=$([ "$mode" = native ] && echo 1 || echo 0) service_command "$module" -Xmx256m
  local db=$DB
  [ "$module" = event-ingest-service ] && db=$INGEST_DB
  started=$(millis)
  PG_DB=$db "${SERVICE_CMD[@]}" >"$WORK/$module-$mode.log" 2>&1 &
  PID=$!
  until curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { echo "$module ($mode) died:" >&2; tail -30 "$WORK/$module-$mode.log" >&2; exit 1; }
    [ $(( $(millis) - started )) -lt 60000 ] || { echo "$module ($mode) not ready in 60 s" >&2; exit 1; }
    sleep 0.02
  done
  READY=$(( $(millis) - started ))
  sleep 5
  RSS=$(rss_mb "$PID" VmRSS)
  stopping=$(millis)
  kill -TERM "$PID"
  wait "$PID" 2>/dev/null || true
  EXITED=$(( $(millis) - stopping ))
  PID=""
}

echo "start-up to ready and idle RSS, JVM (java -Xmx256m -jar) vs native (-Xmx256m), $ROUNDS interleaved rounds,"
echo "$(nproc) cores shared, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-22s %-7s %14s %12s %12s\n" service mode "ready ms" "idle RSS MB" "SIGTERM ms"
for module in $SERVICES; do
  for round in $(seq 1 "$ROUNDS"); do
    for mode in jvm native; do
      start_once "$module" "$mode"
      printf "%-22s %-7s %14s %12s %12s\n" "$module" "$mode" "$READY" "$RSS" "$EXITED"
    done
  done
done
