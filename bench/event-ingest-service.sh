#!/usr/bin/env bash
# Benchmark of event-ingest-service on loopback: single-event POSTs and 500-event batches driven by
# wrk, then the rows really in PostgreSQL compared with the events acknowledged (201). Also OTLP/HTTP
# protobuf exports of 500 log records (POST /v1/logs, 200 = acknowledged) next to the /events batches;
# each OTLP request differs in one resource attribute, so its records get new content-derived ids
# (identical bytes would be idempotent repeats that store nothing).
# Also prints the HTTP ceiling (requests/s of a GET that no handler serves) and the CPU each
# acknowledged event cost in the service's JVM and in its PostgreSQL backends, and the storage
# floor: PostgreSQL CPU per row for a COPY of 200,000 rows into the same table (no HTTP, JSON or
# JVM at all), i.e. the most events/s this schema could take on this machine's cores.
# Targets: single-event >= 20,000 events/s, batches of 500 >= 200,000 events/s, 0 missing.
# Usage: bench/event-ingest-service.sh [seconds per phase, default 15]
# Env: PG_HOST PG_PORT PG_USER PG_PASSWORD, PG_ADMIN_USER (postgres), PG_DB (eventingest_bench, dropped and
#      created again at every run), SERVICE_JAR (to compare builds), SERVICE_JAVA_OPTS (e.g. a JFR recording), BENCH_PORT (18083),
#      BENCH_MANAGEMENT_PORT (19083; health and metrics), SINGLE_CONNECTIONS (512), BATCH_CONNECTIONS (32), WRK_THREADS (2),
#      SERVICE_HEAP (maximum heap, 1g), BENCH_NATIVE=1 (the native executable instead of the jar: mvn -Pnative verify -f event-ingest-service/pom.xml).
#      The service's peak RSS is printed at the end. BENCH_EXTRA_SQL: SQL run once the service has migrated the
#      database, before the warm-up (e.g. a candidate index, to measure what it would cost ingest).
# Access control: the service trusts a throw-away issuer whose key pair is made in the temp dir
# (deploy/local/local-issuer.sh with WAITING_ROOM_STATE there, i.e. openssl); every request carries a
# log-writer token of it, so the figures include the token verification each real request pays.
set -euo pipefail
ulimit -n 65536 2>/dev/null || true

DURATION="${1:-15}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODULE="$ROOT/event-ingest-service"
JAR="${SERVICE_JAR:-$MODULE/target/quarkus-app/quarkus-run.jar}"
PORT="${BENCH_PORT:-18083}"
MANAGEMENT_PORT="${BENCH_MANAGEMENT_PORT:-19083}"
export PG_HOST="${PG_HOST:-127.0.0.1}" PG_PORT="${PG_PORT:-5432}" PG_USER="${PG_USER:-waitingroom}" \
       PG_PASSWORD="${PG_PASSWORD:-waitingroom}" PG_DB="${PG_DB:-eventingest_bench}"
PG_ADMIN_USER="${PG_ADMIN_USER:-postgres}"
SINGLE_CONNECTIONS="${SINGLE_CONNECTIONS:-512}"
BATCH_CONNECTIONS="${BATCH_CONNECTIONS:-32}"
WRK_THREADS="${WRK_THREADS:-2}"
RUN_ID="$(date +%s)"
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

# A throw-away issuer for this run (sets AUTH_ISSUER, AUTH_JWKS_URL=file:$WORK/issuer/issuer/public.pem,
# AUTH_AUDIENCE) and a log-writer token of it, valid for the whole run.
issuer_env=$(WAITING_ROOM_STATE="$WORK/issuer" bash "$ROOT/deploy/local/local-issuer.sh" 2>/dev/null) \
  || { echo "could not create the bench's issuer key pair (deploy/local/local-issuer.sh, needs openssl)" >&2; exit 1; }
eval "$issuer_env"
TOKEN=$(WAITING_ROOM_STATE="$WORK/issuer" bash "$ROOT/deploy/local/token.sh" log-writer bench-shipper 7200)

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)..."
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi
if [[ ${BENCH_NATIVE:-0} != 1 && ! -f "$JAR" ]]; then
  echo "building the service..."
  (cd "$ROOT" && mvn -B -ntp -q -o -pl event-ingest-service -am package -DskipTests)
fi

psql_count() {
  PGPASSWORD="$PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -Atc \
    "SELECT count(*) FROM ingest_events WHERE service = '$1'"
}

# A fresh database at every run: rows left by earlier runs bloat the indexes and would make figures
# depend on history instead of on the code.
psql_admin() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN_USER" -d postgres "$@"; }
psql_admin -qc "DROP DATABASE IF EXISTS \"$PG_DB\"" -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\""

# CPU ticks (user + system) used so far by the service's JVM and by the PostgreSQL backends serving it.
cpu_ticks() {
  echo "jvm_ticks=$(proc_ticks "$SERVICE_PID")" \
       "pg_ticks=$(proc_ticks $(psql_admin -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$PG_DB'"))"
}

if [[ ${BENCH_NATIVE:-0} == 1 ]]; then
  service_command "$MODULE" "-Xmx${SERVICE_HEAP:-1g}"
else
  SERVICE_CMD=(java "-Xmx${SERVICE_HEAP:-1g}" ${SERVICE_JAVA_OPTS:-} -jar "$JAR")
fi
echo "starting the service ($([[ ${BENCH_NATIVE:-0} == 1 ]] && echo native executable || echo JVM)) on 127.0.0.1:$PORT, management on $MANAGEMENT_PORT (database $PG_DB)..."
HTTP_PORT="$PORT" MANAGEMENT_PORT="$MANAGEMENT_PORT" AUTH_ISSUER="$AUTH_ISSUER" AUTH_JWKS_URL="$AUTH_JWKS_URL" \
  AUTH_AUDIENCE="$AUTH_AUDIENCE" "${SERVICE_CMD[@]}" > "$WORK/service.log" 2>&1 &
SERVICE_PID=$!
wait_ready "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" "$SERVICE_PID" "$WORK/service.log"
if [[ -n ${BENCH_EXTRA_SQL:-} ]]; then
  echo "BENCH_EXTRA_SQL: $BENCH_EXTRA_SQL"
  PGPASSWORD="$PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -v ON_ERROR_STOP=1 -qc "$BENCH_EXTRA_SQL"
fi
# the token is accepted (a refused token would make every phase count only non-201s)
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/events/summary")
[[ $status == 403 ]] || { echo "the bench token was not verified as expected (GET /events/summary gave $status, expected 403 for log-writer)" >&2; tail -20 "$WORK/service.log"; exit 1; }

NOW="$(date -u +%Y-%m-%dT%H:%M:%S.000Z)"
SINGLE_SERVICE="bench-single-$RUN_ID"
BATCH_SERVICE="bench-batch-$RUN_ID"

# Lua: count 201s per thread, print them with the latency percentiles at the end.
cat > "$WORK/count.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) acked = 0; other = 0 end
function response(status, headers, body)
  if status == (ok_status or 201) then acked = acked + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("acked"); o = o + t:get("other") end
  io.write(string.format("RESULT acked=%d other=%d seconds=%.2f p50_ms=%.2f p99_ms=%.2f\n",
    a, o, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA

single_body="{\"timestamp\":\"$NOW\",\"service\":\"$SINGLE_SERVICE\",\"message\":\"patient 4711 called to room B2\",\"metadata\":{\"room\":\"B2\",\"site\":\"north\"}}"
batch_body="["
for i in $(seq 1 500); do
  [[ $i -gt 1 ]] && batch_body+=","
  batch_body+="{\"timestamp\":\"$NOW\",\"service\":\"$BATCH_SERVICE\",\"message\":\"queue event $i\",\"metadata\":{\"n\":$i}}"
done
batch_body+="]"

# OTLP: ExportLogsServiceRequest (protobuf) with 500 records of the same shape as the batch phase, split
# around a 12-character resource attribute value that each request replaces (thread id + counter).
OTLP_SERVICE="bench-otlp-$RUN_ID"
python3 - "$WORK" "$OTLP_SERVICE" <<'PY'
import struct, sys, time
work, service = sys.argv[1], sys.argv[2]
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F; n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n: return bytes(out)
def ld(field, payload): return varint(field << 3 | 2) + varint(len(payload)) + payload
def kv(key, value): return ld(1, key.encode()) + ld(2, ld(1, value.encode()))
def kv_int(key, value): return ld(1, key.encode()) + ld(2, varint(3 << 3 | 0) + varint(value))
now = time.time_ns()
records = b"".join(ld(2, bytes([0x09]) + struct.pack("<Q", now + i) + varint(2 << 3) + varint(9)
                         + ld(3, b"INFO") + ld(5, ld(1, f"queue event {i}".encode())) + ld(6, kv_int("n", i)))
                  for i in range(1, 501))
resource = ld(1, kv("service.name", service)) + ld(1, kv("bench.request", "@" * 12))
body = ld(1, ld(1, resource) + ld(2, ld(1, ld(1, b"bench")) + records))
prefix, suffix = body.split(b"@" * 12)
open(f"{work}/otlp.prefix", "wb").write(prefix)
open(f"{work}/otlp.suffix", "wb").write(suffix)
PY

field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<<"$1"; }

run_wrk() { # name connections body
  local name=$1 connections=$2 body=$3
  { cat "$WORK/count.lua"
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer %s"\nwrk.body = [=[%s]=]\n' "$TOKEN" "$body"
  } > "$WORK/$name.lua"
  local before after
  before=$(cpu_ticks)
  wrk -t"$WRK_THREADS" -c"$connections" -d"${DURATION}s" --timeout 30s -s "$WORK/$name.lua" \
    "http://127.0.0.1:$PORT/events" > "$WORK/$name.out" 2>&1
  after=$(cpu_ticks)
  grep '^RESULT' "$WORK/$name.out" || { cat "$WORK/$name.out"; exit 1; }
  echo "CPU jvm_ticks=$(( $(field "$after" jvm_ticks) - $(field "$before" jvm_ticks) ))" \
       "pg_ticks=$(( $(field "$after" pg_ticks) - $(field "$before" pg_ticks) ))"
}

run_otlp() { # connections
  { cat "$WORK/count.lua"
    cat <<LUA
ok_status = 200
local counter, id = 0, 0
local prefix = io.open("$WORK/otlp.prefix", "rb"):read("*all")
local suffix = io.open("$WORK/otlp.suffix", "rb"):read("*all")
local thread_count = 0
local base_setup = setup
function setup(thread) thread_count = thread_count + 1; thread:set("id", thread_count); base_setup(thread) end
function request()
  counter = counter + 1
  return wrk.format("POST", "/v1/logs", { ["Content-Type"] = "application/x-protobuf", ["Authorization"] = "Bearer $TOKEN" },
    prefix .. string.format("%02d%010d", id or 0, counter) .. suffix)
end
local base_init = init
function init(args) base_init(args); id = tonumber(wrk.thread:get("id")) end
LUA
  } > "$WORK/otlp.lua"
  local before after
  before=$(cpu_ticks)
  wrk -t"$WRK_THREADS" -c"$1" -d"${DURATION}s" --timeout 30s -s "$WORK/otlp.lua" "http://127.0.0.1:$PORT/v1/logs" > "$WORK/otlp.out" 2>&1
  after=$(cpu_ticks)
  grep '^RESULT' "$WORK/otlp.out" || { cat "$WORK/otlp.out"; exit 1; }
  echo "CPU jvm_ticks=$(( $(field "$after" jvm_ticks) - $(field "$before" jvm_ticks) ))" \
       "pg_ticks=$(( $(field "$after" pg_ticks) - $(field "$before" pg_ticks) ))"
}

echo "warm-up (5 s)..."
wrk -t"$WRK_THREADS" -c64 -d5s -s <(printf 'wrk.method="POST"\nwrk.headers["Content-Type"]="application/json"\nwrk.headers["Authorization"]="Bearer %s"\nwrk.body=[=[%s]=]\n' \
  "$TOKEN" "{\"timestamp\":\"$NOW\",\"service\":\"bench-warmup-$RUN_ID\",\"message\":\"warm\"}") "http://127.0.0.1:$PORT/events" >/dev/null

# The most requests/s this JVM can answer at all here: a GET no handler serves (404 from the router,
# after the token check: verified once, then found in service-security's token cache).
echo "HTTP ceiling phase: $SINGLE_CONNECTIONS connections, ${DURATION}s..."
ceiling=$(wrk -t"$WRK_THREADS" -c"$SINGLE_CONNECTIONS" -d"${DURATION}s" -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/bench-ceiling" | awk '/^Requests\/sec/ {print $2}')

echo "single-event phase: $SINGLE_CONNECTIONS connections, ${DURATION}s..."
single=$(run_wrk single "$SINGLE_CONNECTIONS" "$single_body")
echo "batch phase (500 events/request): $BATCH_CONNECTIONS connections, ${DURATION}s..."
batch=$(run_wrk batch "$BATCH_CONNECTIONS" "$batch_body")
echo "OTLP batch phase (500 log records/request, protobuf): $BATCH_CONNECTIONS connections, ${DURATION}s..."
otlp=$(run_otlp "$BATCH_CONNECTIONS")

# Group-commit shape from the service's own metrics (mean rows per commit and mean commit time).
metrics=$(curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" || true)
flush_stats=$(awk '/^ingest_batch_size_sum/ {bs=$2} /^ingest_batch_size_count/ {bc=$2}
  /^ingest_flush_latency_seconds_sum/ {ls=$2} /^ingest_flush_latency_seconds_count/ {lc=$2}
  END { if (bc > 0) printf "%d commits, mean %.0f events per commit, mean commit %.1f ms", bc, bs/bc, 1000*ls/lc }' <<<"$metrics")

rss="$(rss_mb "$SERVICE_PID" VmRSS) MB after the load, $(rss_mb "$SERVICE_PID" VmHWM) MB at peak"
# SIGTERM: the service drains whatever is still queued before exiting.
kill -TERM "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true; SERVICE_PID=""

# Storage floor: one COPY (PostgreSQL's cheapest way in) of rows shaped like the batch phase's.
echo "storage floor phase: COPY of 200,000 rows into ingest_events..."
awk -v now="$NOW" -v svc="bench-floor-$RUN_ID" 'BEGIN { srand(1); for (i = 1; i <= 200000; i++)
  printf "%08x-%04x-7%03x-8%03x-%06x%06x\t%s\t%s\tqueue event %d\t{\"n\": %d}\n", int(rand() * 4294967295),
    int(rand() * 65535), int(rand() * 4095), int(rand() * 4095), int(rand() * 16777215), i, now, svc, i, i }' > "$WORK/floor.tsv"
floor_ticks=$(PGPASSWORD="$PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -At <<SQL | awk '/^ticks/ {d = $2 - d} END {print d}'
SELECT pg_backend_pid() AS pid \gset
\setenv BACKEND_PID :pid
\! awk '{print "ticks", \$14 + \$15}' /proc/\$BACKEND_PID/stat
\copy ingest_events (event_id, ts, service, message, metadata) FROM '$WORK/floor.tsv'
\! awk '{print "ticks", \$14 + \$15}' /proc/\$BACKEND_PID/stat
SQL
)

single_acked=$(field "$single" acked); single_secs=$(field "$single" seconds)
batch_acked_requests=$(field "$batch" acked); batch_secs=$(field "$batch" seconds)
batch_acked=$((batch_acked_requests * 500))
single_rows=$(psql_count "$SINGLE_SERVICE"); batch_rows=$(psql_count "$BATCH_SERVICE")
missing_single=$(( single_acked > single_rows ? single_acked - single_rows : 0 ))
missing_batch=$(( batch_acked > batch_rows ? batch_acked - batch_rows : 0 ))
otlp_acked_requests=$(field "$otlp" acked); otlp_secs=$(field "$otlp" seconds)
otlp_acked=$((otlp_acked_requests * 500)); otlp_rows=$(psql_count "$OTLP_SERVICE")
missing_otlp=$(( otlp_acked > otlp_rows ? otlp_acked - otlp_rows : 0 ))

echo
echo "== event-ingest-service benchmark ($(nproc) cores shared by service, PostgreSQL and wrk; ${DURATION}s per phase) =="
awk -v a="$single_acked" -v s="$single_secs" -v p50="$(field "$single" p50_ms)" -v p99="$(field "$single" p99_ms)" \
    -v o="$(field "$single" other)" \
  'BEGIN { printf "single-event : %9.0f acknowledged events/s (requests/s)  p50 %.2f ms  p99 %.2f ms  non-201: %d\n", a/s, p50, p99, o }'
awk -v a="$batch_acked" -v r="$batch_acked_requests" -v s="$batch_secs" -v p50="$(field "$batch" p50_ms)" \
    -v p99="$(field "$batch" p99_ms)" -v o="$(field "$batch" other)" \
  'BEGIN { printf "batch (500)  : %9.0f acknowledged events/s (%.0f requests/s)  p50 %.2f ms  p99 %.2f ms  non-201: %d\n", a/s, r/s, p50, p99, o }'
awk -v a="$otlp_acked" -v r="$otlp_acked_requests" -v s="$otlp_secs" -v p50="$(field "$otlp" p50_ms)" \
    -v p99="$(field "$otlp" p99_ms)" -v o="$(field "$otlp" other)" \
  'BEGIN { printf "OTLP (500)   : %9.0f acknowledged events/s (%.0f requests/s)  p50 %.2f ms  p99 %.2f ms  non-200: %d  (protobuf, POST /v1/logs)\n", a/s, r/s, p50, p99, o }'
echo "HTTP ceiling : $(printf '%9.0f' "$ceiling") requests/s (GET answered 404 by the router after the token check, no handler work)"
per_event_cpu() { # result acknowledged-events
  awk -v j="$(field "$1" jvm_ticks)" -v p="$(field "$1" pg_ticks)" -v e="$2" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (e > 0) printf "service %.1f us + PostgreSQL backends %.1f us", 1e6*j/hz/e, 1e6*p/hz/e }'
}
echo "CPU per event: single $(per_event_cpu "$single" "$single_acked"); batch $(per_event_cpu "$batch" "$batch_acked"); OTLP $(per_event_cpu "$otlp" "$otlp_acked")"
awk -v t="$floor_ticks" -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" 'BEGIN { us = 1e6 * t / hz / 200000;
  if (us > 0) printf "storage floor: PostgreSQL alone %.1f us CPU per row (COPY) -> at most %.0f events/s on %d cores with nothing else running\n", us, cores * 1e6 / us, cores }'
echo "single-event : acknowledged $single_acked, rows in PostgreSQL $single_rows, missing $missing_single"
echo "batch        : acknowledged $batch_acked, rows in PostgreSQL $batch_rows, missing $missing_batch"
echo "OTLP         : acknowledged $otlp_acked, rows in PostgreSQL $otlp_rows, missing $missing_otlp"
echo "group commit : $flush_stats"
echo "(rows may exceed acknowledged: requests committed while wrk was stopping are never counted as acknowledged)"
echo "service RSS  : $rss"
[[ $missing_single -eq 0 && $missing_batch -eq 0 && $missing_otlp -eq 0 ]]
