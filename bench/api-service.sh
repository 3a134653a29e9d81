#!/usr/bin/env bash
# Benchmark of api-service check-ins (durable: synchronous_commit=on, events + outbox per command).
# Builds the jar if missing, starts it on a loopback port against its own database
# (waitingroom_api_bench, created if missing, emptied at start), then runs wrk across many queues:
#   1) throughput: as many check-ins as possible for BENCH_SECONDS (BENCH_CONNECTIONS connections)
#   2) latency at a paced TARGET_RATE/s (a per-thread send schedule; the achieved rate is printed)
#   3) + 4) the same with the outbox-worker relaying the outbox next to the api (the realistic
#      setting: the writers' outbox trigger then notifies whenever the relay is asleep). On by
#      default when the outbox-worker jar exists or builds; BENCH_WITH_RELAY=0 skips it.
# Without a relay running, writers never notify (coalesced trigger), so 1) and 2) are the service alone.
# Prints check-ins/s, p50/p90/p99, CPU milliseconds per check-in (service JVM; PostgreSQL backends
# connected to the bench database, the relay's included in 3-4)
# and the mean commands per commit.
# Access control is on, as in production: a throw-away issuer key pair is made in the temp dir
# (deploy/local/local-issuer.sh with WAITING_ROOM_STATE there), the service verifies tokens with its
# public key (AUTH_ISSUER, AUTH_JWKS_URL=file:...) and every check-in carries a receptionist's bearer
# token (deploy/local/token.sh). Health and metrics are read from the management port. Before the
# runs, bench/lib/JwtVerificationCost.java prints what verifying that token costs (µs, one thread,
# the service's own smallrye-jwt jars). The service verifies a token once and reuses the result
# until it expires (service-security's token cache), as a member of staff sends one token with every
# command; BENCH_TOKEN_CACHE=off turns that cache off, so that every request pays the verification.
# Bounded: about 4 x BENCH_SECONDS + warm-ups + start-ups.
# Steady state: a BENCH_WARMUP_SECONDS warm-up at full load first (right after an 8 s warm-up the
# JVM still spent 0.86-0.94 ms of CPU per check-in, C2 compiling on the same 2 cores, against
# 0.33-0.37 ms once warm), and a CHECKPOINT before every run, so that no run pays for the WAL the
# previous one wrote; paced runs start BENCH_SETTLE_SECONDS (5) after it, once the burst of
# full-page writes that follows any checkpoint is over (its latency is printed apart). The paced
# runs also print how late a sleeping thread wakes up meanwhile (bench/lib/wakeup_jitter.py): the
# machine's own floor under any latency tail.
# APP_DIR (default api-service/target/quarkus-app) runs another build, to compare two versions.
# BENCH_NATIVE=1 runs the native executables of api-service and outbox-worker instead of the jars
# (build them with mvn -Pnative verify -f MODULE/pom.xml; APP_DIR then only supplies the jars that the
# JWT cost measurement loads); the service's peak RSS is printed either way.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

PORT=${BENCH_PORT:-18080}
MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-19080}
RELAY_PORT=${BENCH_RELAY_PORT:-18091}
RELAY_MANAGEMENT_PORT=${BENCH_RELAY_MANAGEMENT_PORT:-19091}
DB=${BENCH_DB:-waitingroom_api_bench}
SECONDS_PER_RUN=${BENCH_SECONDS:-15}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-25}
SETTLE_SECONDS=${BENCH_SETTLE_SECONDS:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
QUEUES=${BENCH_QUEUES:-2000}
TARGET_RATE=${TARGET_RATE:-1000}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
APP_DIR=${APP_DIR:-api-service/target/quarkus-app}
RELAY_JAR=outbox-worker/target/quarkus-app/quarkus-run.jar
# The relay publishes to an exchange of its own (no queue bound: the broker drops the messages).
RELAY_EXCHANGE=api-service.bench.events
WORK=$(mktemp -d)
APP_PID=""
RELAY_PID=""
stop() { if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() { stop "$RELAY_PID"; stop "$APP_PID"; rm -rf "$WORK"; }
trap cleanup EXIT

psql_db() { PGPASSWORD=${PG_PASSWORD:-waitingroom} psql -h "$PG_HOST" -p "$PG_PORT" -U waitingroom -d "$DB" "$@"; }
# PostgreSQL backends connected to the bench database
pg_backend_ticks() { proc_ticks $(pgrep -f "postgres: .* $DB " || true); }

command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null || { echo "wrk is required" >&2; exit 1; }; }
[ -f "$APP_DIR/quarkus-run.jar" ] || mvn -B -ntp -o -q -pl api-service package -DskipTests

# A throw-away token issuer for this run: the services trust its public key, wrk sends its token.
bench_issuer "$WORK/state" receptionist bench-receptionist
WITH_RELAY=${BENCH_WITH_RELAY:-1}
if [ "$WITH_RELAY" = 1 ] && [ "${BENCH_NATIVE:-0}" != 1 ] && [ ! -f "$RELAY_JAR" ]; then
  mvn -B -ntp -o -q -pl outbox-worker package -DskipTests >/dev/null 2>&1 || { echo "outbox-worker does not build: runs 3-4 skipped"; WITH_RELAY=0; }
fi

if ! psql_db -c 'select 1' >/dev/null 2>&1; then
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -c "CREATE DATABASE $DB OWNER waitingroom" >/dev/null
fi
psql_db -q -c "DO \$\$ BEGIN IF to_regclass('events') IS NOT NULL THEN
        TRUNCATE events, outbox, snapshots, idempotency_keys; END IF;
        IF to_regclass('outbox_dispatched') IS NOT NULL THEN TRUNCATE outbox_dispatched; END IF; END \$\$;" >/dev/null

if [ "${BENCH_TOKEN_CACHE:-on}" = off ]; then export AUTH_TOKEN_CACHE_MAX_ENTRIES=0; fi
if [ "${BENCH_NATIVE:-0}" = 1 ]; then
  service_command api-service ${JAVA_OPTS:--Xmx512m}
else
  SERVICE_CMD=(java ${JAVA_OPTS:--Xmx512m} -jar "$APP_DIR/quarkus-run.jar")
fi
HTTP_PORT=$PORT MANAGEMENT_PORT=$MANAGEMENT_PORT PG_DB=$DB PG_POOL_SIZE=${PG_POOL_SIZE:-16} \
  "${SERVICE_CMD[@]}" >"$WORK/app.log" 2>&1 &
APP_PID=$!
wait_ready "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" "$APP_PID" "$WORK/app.log"
# The token is accepted, and a request without one is not.
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$PORT/api/waiting-rooms/bench-probe")
[ "$status" = 404 ] || { echo "the service refused the bench token: HTTP $status" >&2; tail -20 "$WORK/app.log"; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/waiting-rooms/bench-probe")
[ "$status" = 401 ] || { echo "a request without a token got HTTP $status, not 401" >&2; exit 1; }


WRK_THREADS=2
RUN=$(date +%s)
# run <label> <connections> <rate, 0 = as fast as possible>
run() {
  local jvm0 jit0 pg0 jvm1 jit1 pg1 checkins jitter=""
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -qc CHECKPOINT
  if [ "$3" != 0 ]; then
    # Right after a checkpoint every first write to a page logs the whole page (full-page writes):
    # the WAL surge slows commits for a few seconds. Paced runs measure the steady state after
    # it; the settling seconds are printed on their own.
    wrk -t$WRK_THREADS -c"$2" -d"${SETTLE_SECONDS}s" -s bench/lib/checkin.lua "http://127.0.0.1:$PORT" \
      -- "$1${RUN}x" "$QUEUES" "$3" "$WRK_THREADS" | sed -n 's/^  latency ms: \(.*\)/  (first '"$SETTLE_SECONDS"' s after the checkpoint, not counted: \1)/p'
    python3 bench/lib/wakeup_jitter.py "$SECONDS_PER_RUN" >"$WORK/jitter" & jitter=$!
  fi
  jvm0=$(proc_ticks "$APP_PID"); jit0=$(jit_ticks "$APP_PID"); pg0=$(pg_backend_ticks)
  wrk -t$WRK_THREADS -c"$2" -d"${SECONDS_PER_RUN}s" -s bench/lib/checkin.lua "http://127.0.0.1:$PORT" \
    -- "$1$RUN" "$QUEUES" "$3" "$WRK_THREADS" | grep -E "check-ins/s|latency ms"
  if [ -n "$jitter" ]; then wait "$jitter"; cat "$WORK/jitter"; fi
  jvm1=$(proc_ticks "$APP_PID"); jit1=$(jit_ticks "$APP_PID"); pg1=$(pg_backend_ticks)
  checkins=$(psql_db -Atc "SELECT count(*) FROM events WHERE aggregate_id LIKE '$1$RUN-%' AND event_type = 'PatientCheckedIn'")
  [ "$checkins" -gt 0 ] && awk -v j=$((jvm1 - jvm0)) -v c=$((jit1 - jit0)) -v p=$((pg1 - pg0)) -v n="$checkins" \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "  CPU ms per check-in: service process %.3f (JIT compiler threads %.3f), PostgreSQL backends %.3f\n",
      j * 1000 / hz / n, c * 1000 / hz / n, p * 1000 / hz / n }'
}
# Enough connections that the schedule, not the service time, sets the paced rate.
PACED_CONNECTIONS=$(( TARGET_RATE / 10 > 16 ? TARGET_RATE / 10 : 16 ))

echo "api-service check-in benchmark ($([ "${BENCH_NATIVE:-0}" = 1 ] && echo native executable || echo JVM)): $(nproc) cores (shared), PostgreSQL $PG_HOST:$PG_PORT/$DB, $QUEUES queues, ${SECONDS_PER_RUN}s per run"
echo "access control on: every check-in carries an RS256 bearer token (receptionist), verified by the service" \
  "(verified-token cache ${BENCH_TOKEN_CACHE:-on})"
java -Xmx256m -cp "$APP_DIR/lib/boot/*:$APP_DIR/lib/main/*" bench/lib/JwtVerificationCost.java "$BENCH_TOKEN" "$AUTH_ISSUER" \
  "$AUTH_AUDIENCE" "$AUTH_JWKS_URL" "${BENCH_JWT_SECONDS:-5}" 2>"$WORK/jwt-cost.log" ||
  { echo "  JWT verification cost not measured:"; tail -5 "$WORK/jwt-cost.log"; }
echo "  (the service JVM's whole CPU per check-in at full load before access control: 0.09 ms, api-service README)"
echo "warm-up (${WARMUP_SECONDS} s at full load, not measured)"
wrk -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" -s bench/lib/checkin.lua "http://127.0.0.1:$PORT" -- "w$RUN" $((QUEUES * 4)) 0 "$WRK_THREADS" >/dev/null # more queues: none fills up
echo "1) max throughput, api alone (no relay: writers never notify): $CONNECTIONS connections"
run t "$CONNECTIONS" 0
echo "2) paced at ${TARGET_RATE}/s, api alone: $PACED_CONNECTIONS connections"
run p "$PACED_CONNECTIONS" "$TARGET_RATE"
psql_db -Atc "SELECT '   stored by the warm-up and runs 1-2: ' || (SELECT count(*) FROM events) || ' events, ' || (SELECT count(*) FROM outbox) || ' outbox rows'"
if [ "$WITH_RELAY" = 1 ]; then
  # The relay starts on an empty outbox: otherwise runs 3-4 would measure it draining the
  # warm-up's and runs 1-2's few hundred thousand rows.
  psql_db -qc "TRUNCATE outbox"
  service_command outbox-worker -Xmx512m
  HTTP_PORT=$RELAY_PORT MANAGEMENT_PORT=$RELAY_MANAGEMENT_PORT PG_DB=$DB EVENTS_EXCHANGE=$RELAY_EXCHANGE \
    "${SERVICE_CMD[@]}" >"$WORK/relay.log" 2>&1 &
  RELAY_PID=$!
  wait_ready "http://127.0.0.1:$RELAY_MANAGEMENT_PORT/q/health/ready" "$RELAY_PID" "$WORK/relay.log"
  echo "3) max throughput with the outbox-worker relaying: $CONNECTIONS connections"
  run r "$CONNECTIONS" 0
  echo "4) paced at ${TARGET_RATE}/s with the outbox-worker relaying"
  run s "$PACED_CONNECTIONS" "$TARGET_RATE"
  RELAYED=$(relayed_rows aggregate_id "$(psql_db -Atc "SELECT to_regclass('outbox_dispatched') IS NOT NULL")")
  for _ in $(seq 60); do
    [ "$(psql_db -Atc "SELECT count(*) FROM outbox WHERE status <> 'dispatched'")" = 0 ] && break
    sleep 1
  done
  psql_db -Atc "SELECT '   runs 3-4 stored: ' || (SELECT count(*) FROM events WHERE aggregate_id ~ '^[rs]$RUN-') || ' events, '
                || (SELECT count(*) FROM $RELAYED WHERE aggregate_id ~ '^[rs]$RUN-') || ' relayed, '
                || (SELECT count(*) FROM outbox WHERE aggregate_id ~ '^[rs]$RUN-' AND status <> 'dispatched')
                || ' left in the outbox'"
fi
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" | awk '/^api_append_(commands_per_statement_(count|sum)|version_conflicts_total)/ {v[$1]=$2}
  END {if (v["api_append_commands_per_statement_count"] > 0) printf "commands per commit (group commit): %.1f on average; version conflicts: %d\n",
       v["api_append_commands_per_statement_sum"] / v["api_append_commands_per_statement_count"], v["api_append_version_conflicts_total"]}' || true
echo "api-service RSS: $(rss_mb "$APP_PID" VmRSS) MB now, $(rss_mb "$APP_PID" VmHWM) MB at peak"
