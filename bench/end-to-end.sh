#!/usr/bin/env bash
# End-to-end benchmark of the command path: check-in (api-service, events + outbox in one commit)
# -> outbox-worker (LISTEN/NOTIFY, confirms) -> RabbitMQ -> projection-worker -> read-model row.
# Starts the three packaged services on loopback against a fresh database, warms them up, drives
# paced check-ins with wrk and prints, for the events of the paced run only:
#   - lag from the command to the read model: event occurred-at (stamped by the api while handling
#     the command, just before its commit) -> applied_at (written in the projection's transaction,
#     just before its commit), p50/p95/p99/max, split into outbox -> publish and publish -> apply;
#   - events stored in the event store vs applied by the projection (must be equal);
#   - CPU milliseconds per event of each process (the three JVMs, PostgreSQL, RabbitMQ, the rest),
#     from /proc over the paced run: where the cores go when they are the limit.
# Access control is on, as in production: a throw-away issuer key pair in the temp dir
# (deploy/local/local-issuer.sh), the services verify tokens with its public key, and every check-in
# carries a receptionist's bearer token (deploy/local/token.sh); readiness is read from each service's
# management port.
# Target (issue #6): p99 < 50 ms at 1,000 events/s. Each check-in is one event, plus one
# WaitingQueueCreated per queue on its first check-in. Bounded: about 4 minutes plus builds.
# Usage: bench/end-to-end.sh [rate=1000] [seconds=15]
# Env: BENCH_WARMUP_SECONDS (120), BENCH_SETTLE_SECONDS (5: paced seconds right after the CHECKPOINT,
#      reported apart as the api bench does), PG_HOST PG_PORT, PG_ADMIN_USER (postgres), BENCH_DB (waitingroom_e2e_bench, dropped and created
#      at every run), BENCH_QUEUES (2000 waiting rooms), JAVA_OPTS (-Xmx384m per service).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

RATE=${1:-1000}
SECONDS_PER_RUN=${2:-15}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-120}
SETTLE_SECONDS=${BENCH_SETTLE_SECONDS:-5}
DB=${BENCH_DB:-waitingroom_e2e_bench}
QUEUES=${BENCH_QUEUES:-2000}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_ADMIN_USER=${PG_ADMIN_USER:-postgres}
API_PORT=18180
OUTBOX_PORT=18181
PROJECTION_PORT=18182
MANAGEMENT_PORT_OFFSET=1000 # management port of each service: its HTTP port + 1000
EXCHANGE=bench.e2e.events
QUEUE=bench.e2e.read-models
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

psql_db() { PGPASSWORD=${PG_PASSWORD:-waitingroom} psql -h "$PG_HOST" -p "$PG_PORT" -U waitingroom -d "$DB" -At "$@"; }
psql_admin() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN_USER" -d postgres -q "$@"; }

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null || { echo "wrk is required" >&2; exit 1; }; }
for module in api-service outbox-worker projection-worker; do
  [ -f "$module/target/quarkus-app/quarkus-run.jar" ] || mvn -B -ntp -o -q -pl "$module" -am package -DskipTests
done

# A throw-away token issuer for this run: the services trust its public key, wrk sends its token.
bench_issuer "$WORK/state" receptionist bench-receptionist

# A fresh database and queue every run, so figures do not depend on what earlier runs left.
psql_admin -c "DROP DATABASE IF EXISTS \"$DB\"" -c "CREATE DATABASE \"$DB\" OWNER waitingroom"
rabbitmqctl -q delete_queue "$QUEUE" >/dev/null 2>&1 || true

start_service() { # module port
  local management=$(( $2 + MANAGEMENT_PORT_OFFSET ))
  PG_DB=$DB HTTP_PORT=$2 MANAGEMENT_PORT=$management EVENTS_EXCHANGE=$EXCHANGE PROJECTION_QUEUE=$QUEUE \
    DEAD_LETTER_EXCHANGE=$EXCHANGE.dlx java ${JAVA_OPTS:--Xmx384m} -jar "$1/target/quarkus-app/quarkus-run.jar" \
    >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$management/q/health/ready" "$!" "$WORK/$1.log"
}
# The api migrates the event store first; the projection's consumer declares and binds its queue
# before it reports ready, so nothing published afterwards is unroutable.
start_service api-service $API_PORT
start_service projection-worker $PROJECTION_PORT
start_service outbox-worker $OUTBOX_PORT

# api relay projection postgres rabbitmq machine-busy, in clock ticks
cpu_snapshot() {
  echo "$(proc_ticks "${PIDS[0]}") $(proc_ticks "${PIDS[2]}") $(proc_ticks "${PIDS[1]}")" \
       "$(proc_ticks $(pgrep -x postgres || true)) $(proc_ticks $(pgrep -f beam.smp || true))" \
       "$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat) $(jit_ticks "${PIDS[@]}")"
}

# Events of the queues named <prefix>-*: stored by the api, applied by the projection.
stored() { psql_db -c "SELECT count(*) FROM events WHERE aggregate_id LIKE '$1-%'"; }
applied() { psql_db -c "SELECT count(*) FROM projection.applied_events WHERE aggregate_id LIKE '$1-%'"; }
wait_applied() { # <prefix> <at most seconds>
  for _ in $(seq 1 $(( $2 * 2 ))); do
    [ "$(applied "$1")" -ge "$(stored "$1")" ] && return 0
    sleep 0.5
  done
}

RUN=$(date +%s)
WRK_THREADS=2
CONNECTIONS=$(( RATE / 10 > 16 ? RATE / 10 : 16 ))
echo "end-to-end benchmark: $(nproc) cores shared by 3 services, PostgreSQL, RabbitMQ and wrk; $QUEUES waiting rooms"
# Three JVMs compile their hot paths on the same 2 cores: at 1,000 check-ins/s their JIT compiler
# threads stayed ~0.6 cores busy for the first 60-70 s (api and projection ~30 % each), so a 30 s
# warm-up measured JIT, not the suite. The CPU line prints what the compilers still used.
echo "warm-up: ${WARMUP_SECONDS} s at $RATE check-ins/s, then until the projection has caught up, then a CHECKPOINT"
wrk -t$WRK_THREADS -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" -s bench/lib/checkin.lua "http://127.0.0.1:$API_PORT" \
  -- "w$RUN" "$QUEUES" "$RATE" "$WRK_THREADS" >/dev/null
wait_applied "w$RUN" 60
psql_admin -c CHECKPOINT
if [ "$SETTLE_SECONDS" -gt 0 ]; then
  # Every first change to a page after a checkpoint writes the whole page to the WAL: the first
  # seconds are slower. Measured apart (their own queues), like bench/api-service.sh.
  wrk -t$WRK_THREADS -c"$CONNECTIONS" -d"${SETTLE_SECONDS}s" -s bench/lib/checkin.lua "http://127.0.0.1:$API_PORT" \
    -- "s$RUN" "$QUEUES" "$RATE" "$WRK_THREADS" >/dev/null
fi
echo "paced run: ${SECONDS_PER_RUN} s at $RATE check-ins/s ($CONNECTIONS connections), from ${SETTLE_SECONDS} s after the checkpoint"
cpu_before=$(cpu_snapshot)
wrk -t$WRK_THREADS -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s bench/lib/checkin.lua "http://127.0.0.1:$API_PORT" \
  -- "e$RUN" "$QUEUES" "$RATE" "$WRK_THREADS" | grep -E "check-ins/s|latency ms" | sed 's/^  /  api: /'

cpu_after=$(cpu_snapshot)

wait_applied "e$RUN" 30

percentiles() { # interval expression [queue prefix, default the paced run's]
  psql_db -F ' ' -c "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
      round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 1),
      round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1), round(max(ms)::numeric, 1)
    FROM (SELECT extract(epoch FROM $1) * 1000 AS ms FROM projection.applied_events
          WHERE aggregate_id LIKE '${2:-e$RUN}-%' AND published_at IS NOT NULL) lag" |
    awk '{ printf "p50 %s  p95 %s  p99 %s  max %s ms\n", $1, $2, $3, $4 }'
}
echo
echo "== end-to-end, events of the paced run =="
echo "command -> read model : $(percentiles "applied_at - occurred_at")   (target p99 < 50 ms at 1,000/s)"
if [ "$SETTLE_SECONDS" -gt 0 ]; then
  echo "  (first ${SETTLE_SECONDS} s after the checkpoint, not counted: $(percentiles "applied_at - occurred_at" "s$RUN"))"
fi
echo "  outbox -> published : $(percentiles "published_at - occurred_at")"
echo "  published -> applied: $(percentiles "applied_at - published_at")"
stored_events=$(stored "e$RUN"); applied_events=$(applied "e$RUN")
echo "events stored $stored_events, applied by the projection $applied_events, missing $(( stored_events - applied_events ))"
awk -v before="$cpu_before" -v after="$cpu_after" -v n="$stored_events" -v hz="$(getconf CLK_TCK)" 'BEGIN {
  split(before, b, " "); split(after, a, " "); for (i = 1; i <= 7; i++) d[i] = (a[i] - b[i]) * 1000 / hz / n
  printf "CPU ms per event over the paced run: api %.2f, relay %.2f, projection %.2f, PostgreSQL %.2f, RabbitMQ %.2f, rest (wrk, OS) %.2f; all %.2f\n",
    d[1], d[2], d[3], d[4], d[5], d[6] - d[1] - d[2] - d[3] - d[4] - d[5], d[6]
  printf "  of which the three JVMs JIT-compiling: %.2f (near 0 once warm)\n", d[7] }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$applied_events" -ge "$stored_events" ]
