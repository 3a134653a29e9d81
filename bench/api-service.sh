#!/usr/bin/env bash
# Benchmark of api-service check-ins (durable: synchronous_commit=on, events + outbox per command).
# Builds the jar if missing, starts it on a loopback port against its own database
# (waitingroom_api_bench, created if missing, emptied at start), then runs wrk:
#   1) throughput: as many check-ins as possible across many queues for BENCH_SECONDS
#   2) latency at a paced ~TARGET_RATE/s (wrk with a per-request delay; the achieved rate is printed)
#   3) + 4) the same without the outbox NOTIFY trigger (bench database only; BENCH_WITHOUT_NOTIFY=0 skips)
# Prints check-ins/s and p50/p90/p99. Bounded: about 4 x BENCH_SECONDS + start-up.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${BENCH_PORT:-18080}
DB=${BENCH_DB:-waitingroom_api_bench}
SECONDS_PER_RUN=${BENCH_SECONDS:-20}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
QUEUES=${BENCH_QUEUES:-2000}
TARGET_RATE=${TARGET_RATE:-1000}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
JAR=api-service/target/quarkus-app/quarkus-run.jar
WORK=$(mktemp -d)
APP_PID=""
cleanup() { if [ -n "$APP_PID" ]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get install -y wrk >/dev/null || { echo "wrk is required" >&2; exit 1; }; }
[ -f "$JAR" ] || mvn -B -ntp -o -q -pl api-service package -DskipTests

if ! psql -h "$PG_HOST" -p "$PG_PORT" -U waitingroom -d "$DB" -c 'select 1' >/dev/null 2>&1; then
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -c "CREATE DATABASE $DB OWNER waitingroom" >/dev/null
fi
PGPASSWORD=${PG_PASSWORD:-waitingroom} psql -h "$PG_HOST" -p "$PG_PORT" -U waitingroom -d "$DB" -q \
  -c "DO \$\$ BEGIN IF to_regclass('events') IS NOT NULL THEN
        TRUNCATE events, outbox, snapshots, idempotency_keys;
        ALTER TABLE outbox ENABLE TRIGGER outbox_inserted; END IF; END \$\$;" >/dev/null

HTTP_PORT=$PORT PG_DB=$DB PG_POOL_SIZE=${PG_POOL_SIZE:-16} \
  java ${JAVA_OPTS:--Xmx512m} -jar "$JAR" >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log"; exit 1; }
  sleep 0.5
done

cat >"$WORK/checkin.lua" <<'LUA'
-- Each request checks a new patient into one of many queues (implicitly created, capacity 100).
local thread_counter = 0
function setup(thread)
  thread_counter = thread_counter + 1
  thread:set("tid", thread_counter)
end
function init(args)
  prefix = args[1]; queues = tonumber(args[2]); pause = tonumber(args[3] or "0")
  sent = 0
  math.randomseed(os.time() + tid)
end
function delay()
  return pause
end
function request()
  sent = sent + 1
  local body = '{"patientId":"B' .. tid .. '-' .. sent .. '","patientName":"Bench","priority":"Medium",'
            .. '"consultationType":"General","notes":null,"age":null,"pregnant":false}'
  return wrk.format("POST", "/api/waiting-rooms/" .. prefix .. "-" .. math.random(queues) .. "/check-ins",
                    {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("  check-ins/s: %.0f  (requests %d, non-2xx %d, socket errors %d)\n",
    summary.requests / seconds, summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

RUN=$(date +%s)
echo "api-service check-in benchmark: $(nproc) cores (shared), PostgreSQL $PG_HOST:$PG_PORT/$DB, $QUEUES queues"
echo "warm-up (5 s)"
wrk -t2 -c16 -d5s -s "$WORK/checkin.lua" "http://127.0.0.1:$PORT" -- "w$RUN" "$QUEUES" 0 >/dev/null
echo "1) max throughput as deployed: $CONNECTIONS connections, ${SECONDS_PER_RUN}s"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$WORK/checkin.lua" "http://127.0.0.1:$PORT" -- "t$RUN" "$QUEUES" 0 \
  | grep -E "check-ins/s|latency ms"
# 50 connections each pausing 50 ms between requests ~ 1,000/s (minus service time; see achieved rate).
PACED_CONNECTIONS=50
PAUSE_MS=$(( PACED_CONNECTIONS * 1000 / TARGET_RATE ))
echo "2) paced ~${TARGET_RATE}/s as deployed: $PACED_CONNECTIONS connections, ${PAUSE_MS} ms pause, ${SECONDS_PER_RUN}s"
wrk -t2 -c"$PACED_CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$WORK/checkin.lua" "http://127.0.0.1:$PORT" -- "p$RUN" "$QUEUES" "$PAUSE_MS" \
  | grep -E "check-ins/s|latency ms"
# The V1 outbox trigger's pg_notify takes a database-wide lock held through each commit's WAL
# flush, serialising all committing writers (pg_stat_activity shows them waiting on Lock/object).
# Run 3 disables it in the bench database only, to show what the service does without it.
if [ "${BENCH_WITHOUT_NOTIFY:-1}" = 1 ]; then
  PGPASSWORD=${PG_PASSWORD:-waitingroom} psql -h "$PG_HOST" -p "$PG_PORT" -U waitingroom -d "$DB" -qc \
    "ALTER TABLE outbox DISABLE TRIGGER outbox_inserted"
  echo "3) max throughput without the outbox NOTIFY trigger: $CONNECTIONS connections, ${SECONDS_PER_RUN}s"
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$WORK/checkin.lua" "http://127.0.0.1:$PORT" -- "n$RUN" "$QUEUES" 0 \
    | grep -E "check-ins/s|latency ms"
  echo "4) paced ~${TARGET_RATE}/s without the NOTIFY trigger"
  wrk -t2 -c"$PACED_CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$WORK/checkin.lua" "http://127.0.0.1:$PORT" -- "q$RUN" "$QUEUES" "$PAUSE_MS" \
    | grep -E "check-ins/s|latency ms"
  PGPASSWORD=${PG_PASSWORD:-waitingroom} psql -h "$PG_HOST" -p "$PG_PORT" -U waitingroom -d "$DB" -qc \
    "ALTER TABLE outbox ENABLE TRIGGER outbox_inserted"
fi
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
curl -fs "http://127.0.0.1:$PORT/q/metrics" | awk '/^api_append_commands_per_statement_(count|sum)/ {v[$1]=$2}
  END {if (v["api_append_commands_per_statement_count"] > 0) printf "commands per commit (group commit): %.1f on average\n",
       v["api_append_commands_per_statement_sum"] / v["api_append_commands_per_statement_count"]}' || true
PGPASSWORD=${PG_PASSWORD:-waitingroom} psql -h "$PG_HOST" -p "$PG_PORT" -U waitingroom -d "$DB" -Atc \
  "SELECT 'stored: ' || (SELECT count(*) FROM events) || ' events, ' || (SELECT count(*) FROM outbox) || ' outbox rows'"
