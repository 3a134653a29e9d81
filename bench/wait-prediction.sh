#!/usr/bin/env bash
# Accuracy of projection-worker's predicted waits (estimatedWaitSeconds in /queue): a generated clinic
# day (Poisson arrivals, 15 % priority patients, 2-3 cashier desks, 3-4 consulting rooms opening and
# closing, three consultation types with lognormal durations of different means, some absences and
# pending payments; ClinicDay in projection-worker's test sources) is played in compressed time
# against the REAL api-service -> outbox-worker -> RabbitMQ -> projection-worker, started as packaged
# JVMs on loopback against a fresh database. Every 2 simulated minutes the driver reads /queue and
# records each waiting patient's estimate, the naive "people ahead x average stage duration" and
# "people ahead x average / open stations" (averages of the occupancies completed so far); when the
# patient is actually called (a desk calls them, a room claims them) each is scored. Prints the mean
# absolute error of each in simulated minutes, per line and overall, and the ratios.
# Time: 1 simulated minute = BENCH_MS_PER_MINUTE real ms (1000: the field is whole seconds, so one
# second of resolution is one simulated minute... rounded, +-0.5 min; the naive estimates are rounded
# the same way). The service's wait-estimate durations are scaled by the same factor.
# Access control is on: a throw-away issuer (deploy/local/local-issuer.sh), an admin token for the driver.
# Usage: bench/wait-prediction.sh [seed=1] [dayMinutes=240] [arrivalsPerMinute=0.3]
# Env: BENCH_MS_PER_MINUTE (1000), BENCH_DB (waitingroom_wait_bench, dropped and created every run),
#      PG_HOST PG_PORT PG_ADMIN_USER (postgres), JAVA_OPTS (-Xmx256m per service),
#      BENCH_ARRIVAL_WINDOW_MINUTES (0 = no higher-priority stretch, the default; 60 measured worse).
# Bounded: dayMinutes x BENCH_MS_PER_MINUTE plus the drain (about 5 minutes at the defaults) plus builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

SEED=${1:-1}
DAY_MINUTES=${2:-240}
ARRIVALS=${3:-0.3}
MS_PER_MINUTE=${BENCH_MS_PER_MINUTE:-1000}
DB=${BENCH_DB:-waitingroom_wait_bench}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_ADMIN_USER=${PG_ADMIN_USER:-postgres}
API_PORT=18280
OUTBOX_PORT=18281
PROJECTION_PORT=18282
EXCHANGE=bench.wait.events
QUEUE=bench.wait.read-models
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

for module in api-service outbox-worker; do
  [ -f "$module/target/quarkus-app/quarkus-run.jar" ] || mvn -B -ntp -o -q -f "$module/pom.xml" package -DskipTests
done
# Always the current projection-worker (it serves the field measured) and the driver's classes.
mvn -B -ntp -o -q -f projection-worker/pom.xml package -DskipTests
mvn -B -ntp -o -q -f projection-worker/pom.xml dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/classpath" >/dev/null

bench_issuer "$WORK/state" admin bench-admin
psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN_USER" -d postgres -q \
  -c "DROP DATABASE IF EXISTS \"$DB\"" -c "CREATE DATABASE \"$DB\" OWNER waitingroom"
rabbitmqctl -q delete_queue "$QUEUE" >/dev/null 2>&1 || true

# The service's wait-estimate durations in real time: simulated minutes x the compression factor.
scaled() { awk -v m="$1" -v f="$MS_PER_MINUTE" 'BEGIN { printf "PT%.3fS", m * f / 1000 }'; }
export PROJECTION_WAIT_ESTIMATE_LOOKBACK=$(scaled 240) PROJECTION_WAIT_ESTIMATE_REMAINING_FLOOR=$(scaled 0.5)
export PROJECTION_WAIT_ESTIMATE_DESK_IDLE_CLOSED=$(scaled 15) PROJECTION_WAIT_ESTIMATE_CASHIER_PRIOR=$(scaled 3)
export PROJECTION_WAIT_ESTIMATE_CONSULTATION_PRIOR=$(scaled 12)
# BENCH_ARRIVAL_WINDOW_MINUTES=60 switches the higher-priority stretch on (off by default, as in the service).
export PROJECTION_WAIT_ESTIMATE_ARRIVAL_WINDOW=$(scaled "${BENCH_ARRIVAL_WINDOW_MINUTES:-0}")

start_service() { # module port
  local management=$(( $2 + 1000 ))
  PG_DB=$DB HTTP_PORT=$2 MANAGEMENT_PORT=$management EVENTS_EXCHANGE=$EXCHANGE PROJECTION_QUEUE=$QUEUE \
    DEAD_LETTER_EXCHANGE=$EXCHANGE.dlx java ${JAVA_OPTS:--Xmx256m} -jar "$1/target/quarkus-app/quarkus-run.jar" \
    >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$management/q/health/ready" "$!" "$WORK/$1.log"
}
start_service api-service $API_PORT
start_service projection-worker $PROJECTION_PORT
start_service outbox-worker $OUTBOX_PORT

echo "wait-prediction accuracy: seed $SEED, day $DAY_MINUTES simulated min, $ARRIVALS arrivals/min," \
  "1 simulated minute = $MS_PER_MINUTE ms, arrival window ${BENCH_ARRIVAL_WINDOW_MINUTES:-0} min;" \
  "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- projection-worker || echo ' (+ uncommitted changes)')"
java -cp "projection-worker/target/test-classes:$(cat "$WORK/classpath")" \
  com.waitingroom.projection.bench.WaitPredictionDriver "http://127.0.0.1:$API_PORT" \
  "http://127.0.0.1:$PROJECTION_PORT" "$BENCH_TOKEN" "wait-$SEED-$(date +%s)" "$SEED" "$MS_PER_MINUTE" \
  "$DAY_MINUTES" "$ARRIVALS" | tee "$WORK/driver.log" | grep -E '^(RUN|RESULT|refused)'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
