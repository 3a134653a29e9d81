#!/usr/bin/env bash
# projection-worker benchmark: apply throughput (target >= 10,000 events/s) and publish->commit lag
# p99 at a fixed rate (target < 50 ms at 1,000 events/s). Loopback only: the service runs in-process
# (@QuarkusTest) against the local PostgreSQL (waitingroom_projection_test) and RabbitMQ; both phases
# use their own bench queues and consumers connected straight to the broker. Not measured here:
# command commit -> applied (that needs the event store + outbox and a running outbox-worker).
# Bounded: about 1.5-3 minutes plus the build.
# Usage: bench/projection-worker.sh [events=30000] [rate=1000] [seconds=10]
# (unmeasured passes of the same backlog run first, until the JIT compilers are nearly idle)
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-30000}
RATE=${2:-1000}
SECONDS_AT_RATE=${3:-10}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
echo "projection-worker benchmark (events=$EVENTS, rate=$RATE/s for ${SECONDS_AT_RATE}s); cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
if ! mvn -B -ntp -o -pl projection-worker test -Dtest=ProjectionBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dprojection-test.direct-database=true -Dbench.events="$EVENTS" -Dbench.rate="$RATE" -Dbench.seconds="$SECONDS_AT_RATE" >"$LOG" 2>&1; then
  tail -50 "$LOG"; echo "benchmark run failed"; exit 1
fi
grep '^BENCH' "$LOG" | sed 's/^BENCH /  /'
