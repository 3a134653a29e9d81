#!/usr/bin/env bash
# Search benchmark of event-ingest-service (issue 22): ROWS events over the last 30 days are generated
# straight into PostgreSQL (INSERT … SELECT FROM generate_series into the service's own partitioned
# table, no HTTP), then typical searches go through the real HTTP service (the packaged jar, a
# log-reader token) and their p50/p99 are printed with the table's size.
# Data: SERVICES services in turn; severities INFO 70 %, DEBUG 15 %, WARN 10 %, ERROR 4 %, FATAL 0.5 %,
# none 0.5 %; 1 message in 1,000 holds "timeout", 1 in 100,000 "deadlock"; metadata {orderId: g mod
# 1,000,000 (a number), room, correlationId}; a trace id on every third event.
# Usage: bench/event-ingest-search.sh [rows, default 20000000]   (e.g. 1000000 for a quick run)
# Env: PG_HOST PG_PORT PG_USER PG_PASSWORD, PG_ADMIN_USER (postgres), PG_DB (eventingest_search_bench, dropped and
#      created again unless REUSE_DATA=1 finds it loaded with the same row count), SERVICES (20), SAMPLES (20 per
#      query; a query stops sampling after QUERY_BUDGET_SECONDS, 60, with at least 3), LOADERS (2 parallel loading
#      sessions), BENCH_PORT (18084), BENCH_MANAGEMENT_PORT (19084), SERVICE_HEAP (1g).
set -euo pipefail

ROWS="${1:-20000000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODULE="$ROOT/event-ingest-service"
PORT="${BENCH_PORT:-18084}"
MANAGEMENT_PORT="${BENCH_MANAGEMENT_PORT:-19084}"
export PG_HOST="${PG_HOST:-127.0.0.1}" PG_PORT="${PG_PORT:-5432}" PG_USER="${PG_USER:-waitingroom}" \
       PG_PASSWORD="${PG_PASSWORD:-waitingroom}" PG_DB="${PG_DB:-eventingest_search_bench}"
PG_ADMIN_USER="${PG_ADMIN_USER:-postgres}"
SERVICES="${SERVICES:-20}"
SAMPLES="${SAMPLES:-20}"
QUERY_BUDGET_SECONDS="${QUERY_BUDGET_SECONDS:-60}"
LOADERS="${LOADERS:-2}"
CHUNKS=60
source "$ROOT/bench/lib/common.sh"
WORK="$(mktemp -d)"
SERVICE_PID=""

cleanup() {
  if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"   # bench_issuer runs deploy/local/*.sh relative to the repository root
bench_issuer "$WORK/issuer" log-reader bench-reader
TOKEN=$BENCH_TOKEN

psql_admin() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN_USER" -d postgres "$@"; }
psql_db() { PGPASSWORD="$PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -v ON_ERROR_STOP=1 "$@"; }

loaded=0
if [[ ${REUSE_DATA:-0} == 1 ]] && psql_db -Atc "SELECT 1" >/dev/null 2>&1; then
  existing=$(psql_db -Atc "SELECT count(*) FROM ingest_events" 2>/dev/null || echo 0)
  [[ $existing == "$ROWS" ]] && loaded=1
fi
if [[ $loaded == 0 ]]; then
  psql_admin -qc "DROP DATABASE IF EXISTS \"$PG_DB\"" -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\""
fi

# The service creates the schema (Flyway) and the daily partitions of the 30-day retention at start-up.
service_command "$MODULE" "-Xmx${SERVICE_HEAP:-1g}"
echo "starting the service (JVM) on 127.0.0.1:$PORT, management on $MANAGEMENT_PORT (database $PG_DB)..."
HTTP_PORT="$PORT" MANAGEMENT_PORT="$MANAGEMENT_PORT" AUTH_ISSUER="$AUTH_ISSUER" AUTH_JWKS_URL="$AUTH_JWKS_URL" \
  AUTH_AUDIENCE="$AUTH_AUDIENCE" "${SERVICE_CMD[@]}" > "$WORK/service.log" 2>&1 &
SERVICE_PID=$!
wait_ready "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" "$SERVICE_PID" "$WORK/service.log"

# The events span [T0, T1): from 30 days ago + 2 h (inside the oldest kept partition) to a minute ago.
T1_EPOCH=$(( $(date +%s) - 60 ))
T0_EPOCH=$(( T1_EPOCH - 30 * 86400 + 7200 ))
if [[ $loaded == 0 ]]; then
  echo "loading $ROWS events over 30 days ($CHUNKS chunks, $LOADERS sessions)..."
  load_start=$(date +%s)
  # One chunk: rows [lo, hi) of the global sequence g; ts grows with g, so both btree indexes take their
  # inserts at a few right edges, as the service's time-ordered writes do.
  load_chunk() {
    local chunk=$1 lo hi
    lo=$(( ROWS * chunk / CHUNKS )); hi=$(( ROWS * (chunk + 1) / CHUNKS ))
    psql_db -q <<SQL
SET synchronous_commit = off;
INSERT INTO ingest_events (ts, event_id, service, message, metadata, received_at, severity, trace_id, span_id)
SELECT ts, lpad(to_hex(g), 16, '0'), 'svc-' || lpad((g % $SERVICES)::text, 2, '0'),
       CASE WHEN g % 100000 = 4242 THEN 'deadlock detected while updating line ' || (g % 97)
            WHEN g % 1000 = 17 THEN 'upstream timeout after 30000 ms calling /queue/' || (g % 50)
            WHEN g % 4 = 0 THEN 'patient ' || (g % 100000) || ' called to room B' || (g % 20)
            WHEN g % 4 = 1 THEN 'check-in completed for ticket ' || g
            WHEN g % 4 = 2 THEN 'payment accepted for order ' || (g % 1000000)
            ELSE 'GET /queue/' || (g % 50) || ' 200 in ' || (g % 300) || ' ms' END,
       jsonb_build_object('orderId', g % 1000000, 'room', 'B' || (g % 20), 'correlationId', 'c-' || (g / 3)),
       ts,
       CASE WHEN h < 5 THEN 'FATAL' WHEN h < 45 THEN 'ERROR' WHEN h < 145 THEN 'WARN' WHEN h < 845 THEN 'INFO'
            WHEN h < 995 THEN 'DEBUG' END,
       CASE WHEN g % 3 = 0 THEN md5(g::text) END,
       CASE WHEN g % 3 = 0 THEN left(md5(g::text || 's'), 16) END
FROM (SELECT g, (g * 7919) % 1000 AS h,
             to_timestamp($T0_EPOCH + (g::float8 * ($T1_EPOCH - $T0_EPOCH)) / $ROWS) AS ts
      FROM generate_series($lo::bigint, $hi::bigint - 1) AS g) AS s;
SQL
  }
  export -f load_chunk psql_db
  export ROWS CHUNKS SERVICES T0_EPOCH T1_EPOCH
  seq 0 $((CHUNKS - 1)) | xargs -P "$LOADERS" -I{} bash -c 'load_chunk {}'
  echo "loaded in $(( $(date +%s) - load_start )) s; VACUUM ANALYZE..."
  psql_db -qc "VACUUM (ANALYZE) ingest_events"
  load_seconds=$(( $(date +%s) - load_start ))
else
  echo "reusing the $ROWS events already in $PG_DB"
  load_seconds="(reused)"
fi

table_size=$(psql_db -Atc "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) || ' (heap ' ||
  pg_size_pretty(sum(pg_relation_size(inhrelid))) || ')' FROM pg_inherits WHERE inhparent = 'ingest_events'::regclass")
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
NOW_ISO=$(iso "$(date +%s)")
D1=$(iso $(( $(date +%s) - 86400 ))); D7=$(iso $(( $(date +%s) - 7 * 86400 ))); D30=$(iso $(( $(date +%s) - 30 * 86400 )))
# a trace id and an order id that exist
TRACE=$(psql_db -Atc "SELECT md5(($ROWS / 2 / 3 * 3)::text)")
ORDER_ID=48213
BASE="http://127.0.0.1:$PORT"

# run_query NAME PATH: p50/p99 of SAMPLES timed requests (after one unmeasured), and what the last one answered.
printf '%-46s %9s %9s %4s  %s\n' "query" "p50 ms" "p99 ms" "n" "answer" > "$WORK/table"
run_query() {
  local name=$1 path=$2 times="$WORK/times" answer status started
  : > "$times"
  curl -s -o /dev/null --max-time 300 -H "Authorization: Bearer $TOKEN" "$BASE$path" || true
  started=$(date +%s)
  for i in $(seq 1 "$SAMPLES"); do
    status=$(curl -s -o "$WORK/body" -w '%{http_code} %{time_total}' --max-time 300 -H "Authorization: Bearer $TOKEN" "$BASE$path")
    [[ ${status%% *} == 200 ]] || { echo "$name: HTTP ${status%% *}: $(head -c 400 "$WORK/body")" >&2; exit 1; }
    echo "${status#* }" >> "$times"
    (( i >= 3 && $(date +%s) - started >= QUERY_BUDGET_SECONDS )) && break
  done
  answer=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print("%d items" % len(d["items"]) if "items" in d else ("count %d" % d["count"] if "count" in d else "total %d" % d["total"]))' "$WORK/body")
  sort -n "$times" | awk -v name="$name" -v answer="$answer" '{ t[NR] = $1 * 1000 } END {
    p50 = t[int((NR * 50 + 99) / 100)]; p99 = t[int((NR * 99 + 99) / 100)]
    printf "%-46s %9.1f %9.1f %4d  %s\n", name, p50, p99, NR, answer }' >> "$WORK/table"
  tail -1 "$WORK/table"
}

echo "queries (load $(cut -d' ' -f1-3 /proc/loadavg) before)..."
run_query "latest 100 ERROR of a service, 30 days"       "/events?service=svc-03&severity=ERROR&order=desc&limit=100&from=$D30"
run_query "latest 100 >=WARN, all services, 24 h"         "/events?minSeverity=WARN&order=desc&limit=100&from=$D1"
run_query "text 'deadlock' (rare), one service, 24 h"     "/events?service=svc-03&q=deadlock&limit=100&from=$D1"
run_query "text 'deadlock' (rare), all services, 24 h"    "/events?q=deadlock&limit=100&from=$D1"
run_query "text 'timeout' (1/1000), all services, 24 h"   "/events?q=timeout&limit=100&order=desc&from=$D1"
run_query "text 'deadlock' (rare), all services, 7 days"  "/events?q=deadlock&limit=100&from=$D7"
run_query "meta.orderId=$ORDER_ID, all services, 7 days"  "/events?meta.orderId=$ORDER_ID&limit=100&from=$D7"
run_query "meta.orderId=$ORDER_ID, one service, 7 days"   "/events?service=svc-13&meta.orderId=$ORDER_ID&limit=100&from=$D7"
run_query "traceId, all services, 30 days"                "/events?traceId=$TRACE&limit=100&from=$D30"
run_query "count ERROR+, one service, 24 h"               "/events/count?service=svc-03&minSeverity=ERROR&from=$D1"
run_query "count ERROR+, all services, 7 days"            "/events/count?minSeverity=ERROR&from=$D7"
run_query "severity summary, all services, 24 h"          "/events/severity-summary?from=$D1"

# Deep keyset paging: 100 pages of 1,000 events of one service over 7 days, each page timed.
echo "deep paging: 100 pages of 1000..."
: > "$WORK/times"
cursor=""
for page in $(seq 1 100); do
  status=$(curl -s -o "$WORK/body" -w '%{http_code} %{time_total}' --max-time 300 -H "Authorization: Bearer $TOKEN" \
    "$BASE/events?service=svc-07&limit=1000&from=$D7${cursor:+&cursor=$cursor}")
  [[ ${status%% *} == 200 ]] || { echo "paging: HTTP ${status%% *}" >&2; exit 1; }
  echo "${status#* }" >> "$WORK/times"
  cursor=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nextCursor"] or "")' "$WORK/body")
  [[ -n $cursor ]] || break
done
sort -n "$WORK/times" | awk -v name="deep paging: pages 1-100 of 1000, 7 days" '{ t[NR] = $1 * 1000 } END {
  p50 = t[int((NR * 50 + 99) / 100)]; p99 = t[int((NR * 99 + 99) / 100)]
  printf "%-46s %9.1f %9.1f %4d  %s\n", name, p50, p99, NR, "1000 items each" }' >> "$WORK/table"
last_page_ms=$(tail -1 "$WORK/times" | awk '{printf "%.1f", $1 * 1000}')

echo
echo "== event-ingest-service search benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM; PostgreSQL $(psql_db -Atc 'SHOW server_version'), shared_buffers $(psql_db -Atc 'SHOW shared_buffers')) =="
echo "rows: $ROWS over 30 days, $SERVICES services; ingest_events size $table_size; load + VACUUM ANALYZE ${load_seconds} s"
echo "through HTTP with a log-reader token, warm (one unmeasured request first); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$WORK/table"
echo "(the last page of the deep paging took $last_page_ms ms: keyset, no OFFSET)"
