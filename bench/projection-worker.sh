#!/usr/bin/env bash
# projection-worker benchmark: apply throughput (target >= 10,000 events/s) and publish->commit lag
# p99 at a fixed rate (target < 50 ms at 1,000 events/s). Loopback only: the service runs in-process
# (@QuarkusTest) against the local PostgreSQL (waitingroom_projection_test) and RabbitMQ; both phases
# use their own bench queues and consumers connected straight to the broker. Not measured here:
# command commit -> applied (that needs the event store + outbox and a running outbox-worker).
# Bounded: about 1.5-3 minutes plus the build.
# Access control: the in-process service trusts the test JVM's own issuer (test-support LocalIssuer,
# registered by the module's TestIssuer) and the bench's HTTP call (/api/metrics/lag) sends a viewer
# token of it; health and metrics live on the management port. This script itself calls no port, so
# it needs no AUTH_* variables and no key pair.
# Both consumers are measured in turn: the service's own (RabbitMQ client) and the same batch apply on
# the SmallRye Reactive Messaging connector (test classpath only); BENCH_TRANSPORTS=direct runs one.
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
if ! mvn -B -ntp -o -f projection-worker/pom.xml test -Dtest=ProjectionBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dprojection-test.direct-database=true -Dbench.events="$EVENTS" -Dbench.rate="$RATE" -Dbench.seconds="$SECONDS_AT_RATE" \
    -Dbench.transports="${BENCH_TRANSPORTS:-direct,connector}" >"$LOG" 2>&1; then
  tail -50 "$LOG"; echo "benchmark run failed"; exit 1
fi
grep '^BENCH' "$LOG" | sed 's/^BENCH /  /'
