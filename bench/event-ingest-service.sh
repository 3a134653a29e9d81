#!/usr/bin/env bash
# Benchmark of event-ingest-service on loopback against its ceiling, pgbench on the same table (issue 20).
# ROUNDS interleaved rounds, each: pgbench inserting batches of 500 rows with INSERT ... SELECT FROM
# unnest(...) into a copy of the real ingest table (same columns, indexes, constraints, partitioning;
# PGBENCH_CLIENTS clients), the same with the service's summary-counter update in the statement (the same
# work the service does per row), then the service's batch phase (POST /events, 500 events per request,
# wrk). Each phase starts on empty tables right after a CHECKPOINT, and prints rows/s and CPU per row of
# PostgreSQL and of the client (pgbench / the service's JVM, and of that its JIT compiler and GC threads);
# each round prints ingest / pgbench. The service is warmed up first with batches, then one whole round
# that is not counted. Then, once: the HTTP ceiling (requests/s of a GET no handler serves), single-event
# POSTs, OTLP/HTTP protobuf exports of 500 log records (each request differs in one resource attribute, so
# its records get new content-derived ids), and acknowledged vs rows in PostgreSQL.
# Target (issue 20): ingest >= 0.85 of pgbench in at least 2 of 3 rounds; 0 acknowledged events missing.
# Usage: bench/event-ingest-service.sh [seconds per phase, default 10]
# Env: PG_HOST PG_PORT PG_USER PG_PASSWORD, PG_ADMIN_USER (postgres), PG_DB (eventingest_bench, dropped and
#      created again at every run), ROUNDS (3), PGBENCH_CLIENTS (8), WARMUP_SECONDS (40, of batches; then one whole round, not counted), SERVICE_JAR (to compare builds),
#      SERVICE_JAVA_OPTS (e.g. a JFR recording), BENCH_PORT (18083), BENCH_MANAGEMENT_PORT (19083; health and
#      metrics), SINGLE_CONNECTIONS (512), BATCH_CONNECTIONS (32), WRK_THREADS (2), SERVICE_HEAP (maximum heap,
#      1g), BENCH_NATIVE=1 (the native executable instead of the jar: mvn -Pnative verify -f event-ingest-service/pom.xml),
#      BATCH_ONLY=1 (only the interleaved rounds). The service's peak RSS is printed at the end.
#      BENCH_EXTRA_SQL: SQL run once the service has migrated the database, before the copy for pgbench is
#      made and before the warm-up (e.g. a candidate index, to measure what it would cost ingest).
# Access control: the service trusts a throw-away issuer (bench/lib/common.sh bench_issuer, key pair in the
# temp dir); every request carries a log-writer token of it, so the figures include the token check.
set -euo pipefail
ulimit -n 65536 2>/dev/null || true

DURATION="${1:-10}"
ROUNDS="${ROUNDS:-3}"
WARMUP_SECONDS="${WARMUP_SECONDS:-40}"
PGBENCH_CLIENTS="${PGBENCH_CLIENTS:-8}"
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
source "$ROOT/bench/lib/ingest-ceiling.sh"
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
bench_issuer "$WORK/issuer" log-writer bench-shipper
TOKEN=$BENCH_TOKEN

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
gc_ticks() { thread_group_ticks '^(GC |G1 )' "$@"; } # the JVM's garbage-collector threads
cpu_ticks() {
  echo "jvm_ticks=$(proc_ticks "$SERVICE_PID") jit_ticks=$(jit_ticks "$SERVICE_PID") gc_ticks=$(gc_ticks "$SERVICE_PID")" \
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
  batch_body+="{\"timestamp\":\"$NOW\",\"service\":\"@BATCH_SERVICE@\",\"message\":\"queue event $i\",\"metadata\":{\"n\":$i}}"
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

# wrk reads its script once per thread and once more in its main thread, so the script is a file: from a pipe
# (<(...)) only the first reader got it, and the warm-up threads sent GETs without a token (401s, nothing warmed)
post_script() { # file body
  printf 'wrk.method="POST"\nwrk.headers["Content-Type"]="application/json"\nwrk.headers["Authorization"]="Bearer %s"\nwrk.body=[=[%s]=]\n' \
    "$TOKEN" "$2" > "$1"
}
run_wrk() { # name connections body
  local name=$1 connections=$2 body=$3
  post_script "$WORK/$name.post.lua" "$body"
  cat "$WORK/count.lua" "$WORK/$name.post.lua" > "$WORK/$name.lua"
  local before after
  before=$(cpu_ticks)
  wrk -t"$WRK_THREADS" -c"$connections" -d"${DURATION}s" --timeout 30s -s "$WORK/$name.lua" \
    "http://127.0.0.1:$PORT/events" > "$WORK/$name.out" 2>&1
  after=$(cpu_ticks)
  grep '^RESULT' "$WORK/$name.out" || { cat "$WORK/$name.out"; exit 1; }
  echo "CPU jvm_ticks=$(( $(field "$after" jvm_ticks) - $(field "$before" jvm_ticks) ))" \
       "jit_ticks=$(( $(field "$after" jit_ticks) - $(field "$before" jit_ticks) ))" \
       "gc_ticks=$(( $(field "$after" gc_ticks) - $(field "$before" gc_ticks) ))" \
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

batch_round() { # round: the service's batch phase; prints RESULT … plus rows_per_s, pg_us, client_us (JVM)
  local result acked secs
  result=$(run_wrk "batch-$1" "$BATCH_CONNECTIONS" "${batch_body//@BATCH_SERVICE@/$BATCH_SERVICE-$1}")
  acked=$(( $(field "$result" acked) * 500 )); secs=$(field "$result" seconds)
  awk -v a="$acked" -v s="$secs" -v j="$(field "$result" jvm_ticks)" -v p="$(field "$result" pg_ticks)" -v hz="$(getconf CLK_TCK)" \
      -v jit="$(field "$result" jit_ticks)" -v gc="$(field "$result" gc_ticks)" \
      -v r="$result" 'BEGIN { gsub("\n", " ", r); printf "%s rows_per_s=%.0f pg_us=%.2f client_us=%.2f jit_us=%.2f gc_us=%.2f\n", r, a / s, 1e6 * p / hz / a, 1e6 * j / hz / a, 1e6 * jit / hz / a, 1e6 * gc / hz / a }'
}

# Warm-up until the JIT has compiled the batch path: on a shared 2-core box its compiler threads stay busy
# for tens of seconds, and CPU they spend during a measured phase would be charged to the service's rows.
echo "warm-up (5 s single events, then batches for ${WARMUP_SECONDS}s)..."
warmup_wrk() { # connections seconds script: exits the bench when wrk fails or a warm-up request is refused
  wrk -t"$WRK_THREADS" -c"$1" -d"$2s" --timeout 30s -s "$3" "http://127.0.0.1:$PORT/events" > "$WORK/warmup.out" \
    || { cat "$WORK/warmup.out" >&2; exit 1; }
  if grep -q 'Non-2xx or 3xx responses\|Socket errors' "$WORK/warmup.out"; then
    echo "the warm-up got refused or failed requests:" >&2; cat "$WORK/warmup.out" >&2; exit 1
  fi
}
post_script "$WORK/warmup-single.lua" "{\"timestamp\":\"$NOW\",\"service\":\"bench-warmup-$RUN_ID\",\"message\":\"warm\"}"
warmup_wrk 64 5 "$WORK/warmup-single.lua"
warmup_batches() { # seconds: prints the share of a core the JIT compiler threads used meanwhile (percent)
  local jit_before
  jit_before=$(jit_ticks "$SERVICE_PID")
  post_script "$WORK/warmup-batch.lua" "${batch_body//@BATCH_SERVICE@/bench-warmup-$RUN_ID}"
  warmup_wrk "$BATCH_CONNECTIONS" "$1" "$WORK/warmup-batch.lua"
  awk -v t=$(( $(jit_ticks "$SERVICE_PID") - jit_before )) -v hz="$(getconf CLK_TCK)" -v s="$1" 'BEGIN { printf "%.0f", 100 * t / hz / s }'
}
jit_share=$(warmup_batches "$WARMUP_SECONDS")
echo "  JIT compiler threads used $jit_share % of a core during the batch warm-up"

ceiling_setup "$WORK" "$NOW"
: > "$WORK/rounds"
# Every phase starts from the same state: empty tables (the warm-up left millions of rows in ingest_events,
# and pgbench's copy grew by 2-3 million rows a round while the service's grew by 1: PostgreSQL's CPU per
# row rose 30-45 % from round 1 to 3 with the size of the indexes, which biased the ratio towards whichever
# table was smaller) and a checkpoint just done (so full-page writes hit both sides alike).
fresh_tables() { # table...
  PGPASSWORD="$PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -qc "TRUNCATE $*"
  psql_admin -qc "CHECKPOINT"
}
# Round 0 is a warm-up round, not counted. It was added when the JVM's first batch phase compiled ~2,000 methods
# the warm-up had not (JIT threads 4.6-6.7 us of CPU per row in that phase): the warm-up's wrk threads had read
# their script from a pipe and sent token-less GETs (see post_script), so nothing of the batch path was warm. With
# that fixed, round 0's JIT cost is ~0.2 us per row; the round stays as cheap insurance (the measured rounds
# repeat its idle-then-busy pattern).
for round in $(seq 0 "$ROUNDS"); do
  echo "round $round/$ROUNDS: pgbench plain, pgbench + counters, service batches (${DURATION}s each; load $(cut -d' ' -f1 /proc/loadavg))$([[ $round == 0 ]] && echo ' - warm-up, not counted')..."
  fresh_tables ceiling_events, ceiling_event_counts
  plain=$(run_ceiling "$WORK" plain "$DURATION")
  fresh_tables ceiling_events, ceiling_event_counts
  counters=$(run_ceiling "$WORK" counters "$DURATION")
  fresh_tables ingest_events, ingest_event_counts
  ingest=$(batch_round "$round")
  ingest+=" rows=$(psql_count "$BATCH_SERVICE-$round")"
  if [[ $round == 0 ]]; then
    echo "  (warm-up round: pgbench $(sed -n 's/.*rows_per_s=\([0-9]*\).*/\1/p' <<<"$plain") rows/s, service $(sed -n 's/.*rows_per_s=\([0-9]*\).*/\1/p' <<<"$ingest") rows/s, JVM JIT $(sed -n 's/.*jit_us=\([0-9.]*\).*/\1/p' <<<"$ingest") us/row)"
    continue
  fi
  echo "round=$round $(sed 's/RESULT //; s/\([a-z_]*\)=/plain_\1=/g' <<<"$plain") $(sed 's/RESULT //; s/\([a-z_]*\)=/counters_\1=/g' <<<"$counters") $(grep -o 'acked=[0-9]*\|rows=[0-9]*\|rows_per_s=[0-9.]*\|pg_us=[0-9.]*\|client_us=[0-9.]*\|jit_us=[0-9.]*\|gc_us=[0-9.]*\|p50_ms=[0-9.]*\|p99_ms=[0-9.]*\|other=[0-9]*' <<<"$ingest" | sed 's/^/ingest_/' | tr '\n' ' ')" >> "$WORK/rounds"
  tail -1 "$WORK/rounds"
done

if [[ ${BATCH_ONLY:-0} != 1 ]]; then
  # The most requests/s this JVM can answer at all here: a GET no handler serves (404 from the router,
  # after the token check: verified once, then found in service-security's token cache).
  echo "HTTP ceiling phase: $SINGLE_CONNECTIONS connections, ${DURATION}s..."
  ceiling=$(wrk -t"$WRK_THREADS" -c"$SINGLE_CONNECTIONS" -d"${DURATION}s" -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/bench-ceiling" | awk '/^Requests\/sec/ {print $2}')
  echo "single-event phase: $SINGLE_CONNECTIONS connections, ${DURATION}s..."
  single=$(run_wrk single "$SINGLE_CONNECTIONS" "$single_body")
  echo "OTLP batch phase (500 log records/request, protobuf): $BATCH_CONNECTIONS connections, ${DURATION}s..."
  otlp=$(run_otlp "$BATCH_CONNECTIONS")
fi

# Group-commit shape from the service's own metrics (mean rows per commit and mean commit time).
metrics=$(curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/q/metrics" || true)
flush_stats=$(awk '/^ingest_batch_size_sum/ {bs=$2} /^ingest_batch_size_count/ {bc=$2}
  /^ingest_flush_latency_seconds_sum/ {ls=$2} /^ingest_flush_latency_seconds_count/ {lc=$2}
  END { if (bc > 0) printf "%d commits, mean %.0f events per commit, mean commit %.1f ms", bc, bs/bc, 1000*ls/lc }' <<<"$metrics")

rss="$(rss_mb "$SERVICE_PID" VmRSS) MB after the load, $(rss_mb "$SERVICE_PID" VmHWM) MB at peak"
# SIGTERM: the service drains whatever is still queued before exiting.
kill -TERM "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true; SERVICE_PID=""

echo
echo "== event-ingest-service benchmark ($(nproc) cores shared by service, PostgreSQL, wrk and pgbench; ${DURATION}s per phase; load $(cut -d' ' -f1-3 /proc/loadavg)) =="
echo "batch ingest vs pgbench on a copy of the table, 500 rows per statement/request, interleaved rounds:"
printf '%-5s | %-28s | %-28s | %-36s | %-14s | %s\n' round "pgbench plain rows/s (PG+client µs/row)" "pgbench+counters rows/s (PG+client)" "ingest rows/s (PG + JVM µs/row), p50/p99" "ingest/plain" "ingest/+counters"
missing_batch=0; met=0
while read -r line; do
  get() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" $line"; }
  round=$(get round)
  rows=$(get ingest_rows); acked=$(get ingest_acked); acked=$((acked * 500))
  (( acked > rows )) && missing_batch=$((missing_batch + acked - rows))
  ratio=$(awk -v a="$(get ingest_rows_per_s)" -v b="$(get plain_rows_per_s)" 'BEGIN { printf "%.2f", a / b }')
  ratio_c=$(awk -v a="$(get ingest_rows_per_s)" -v b="$(get counters_rows_per_s)" 'BEGIN { printf "%.2f", a / b }')
  awk -v r="$ratio" 'BEGIN { exit !(r >= 0.85) }' && met=$((met + 1))
  printf '%-5s | %7.0f (%5.2f + %4.2f)           | %7.0f (%5.2f + %4.2f)         | %7.0f (%5.2f + %4.2f) %6.0f/%4.0f ms | %-14s | %s\n' "$round" \
    "$(get plain_rows_per_s)" "$(get plain_pg_us)" "$(get plain_client_us)" \
    "$(get counters_rows_per_s)" "$(get counters_pg_us)" "$(get counters_client_us)" \
    "$(get ingest_rows_per_s)" "$(get ingest_pg_us)" "$(get ingest_client_us)" "$(get ingest_p50_ms)" "$(get ingest_p99_ms)" "$ratio" "$ratio_c"
  echo "      acknowledged $acked, rows in PostgreSQL $rows, non-201: $(get ingest_other); of the JVM's µs/row: JIT compilers $(get ingest_jit_us), GC $(get ingest_gc_us)"
done < "$WORK/rounds"
echo "ingest >= 0.85 of pgbench (plain) in $met of $ROUNDS rounds (target: at least 2 of 3)"
missing_single=0; missing_otlp=0
if [[ ${BATCH_ONLY:-0} != 1 ]]; then
  single_acked=$(field "$single" acked); single_secs=$(field "$single" seconds)
  single_rows=$(psql_count "$SINGLE_SERVICE")
  missing_single=$(( single_acked > single_rows ? single_acked - single_rows : 0 ))
  otlp_acked_requests=$(field "$otlp" acked); otlp_secs=$(field "$otlp" seconds)
  otlp_acked=$((otlp_acked_requests * 500)); otlp_rows=$(psql_count "$OTLP_SERVICE")
  missing_otlp=$(( otlp_acked > otlp_rows ? otlp_acked - otlp_rows : 0 ))
  awk -v a="$single_acked" -v s="$single_secs" -v p50="$(field "$single" p50_ms)" -v p99="$(field "$single" p99_ms)" \
      -v o="$(field "$single" other)" \
    'BEGIN { printf "single-event : %9.0f acknowledged events/s (requests/s)  p50 %.2f ms  p99 %.2f ms  non-201: %d\n", a/s, p50, p99, o }'
  awk -v a="$otlp_acked" -v r="$otlp_acked_requests" -v s="$otlp_secs" -v p50="$(field "$otlp" p50_ms)" \
      -v p99="$(field "$otlp" p99_ms)" -v o="$(field "$otlp" other)" \
    'BEGIN { printf "OTLP (500)   : %9.0f acknowledged events/s (%.0f requests/s)  p50 %.2f ms  p99 %.2f ms  non-200: %d  (protobuf, POST /v1/logs)\n", a/s, r/s, p50, p99, o }'
  echo "HTTP ceiling : $(printf '%9.0f' "$ceiling") requests/s (GET answered 404 by the router after the token check, no handler work)"
  per_event_cpu() { # result acknowledged-events
    awk -v j="$(field "$1" jvm_ticks)" -v p="$(field "$1" pg_ticks)" -v e="$2" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { if (e > 0) printf "service %.1f us + PostgreSQL backends %.1f us", 1e6*j/hz/e, 1e6*p/hz/e }'
  }
  echo "CPU per event: single $(per_event_cpu "$single" "$single_acked"); OTLP $(per_event_cpu "$otlp" "$otlp_acked")"
  echo "single-event : acknowledged $single_acked, rows in PostgreSQL $single_rows, missing $missing_single"
  echo "OTLP         : acknowledged $otlp_acked, rows in PostgreSQL $otlp_rows, missing $missing_otlp"
fi
echo "batches      : missing $missing_batch acknowledged events over all rounds"
echo "group commit : $flush_stats"
echo "(rows may exceed acknowledged: requests committed while wrk was stopping are never counted as acknowledged)"
echo "service RSS  : $rss"
[[ $missing_single -eq 0 && $missing_batch -eq 0 && $missing_otlp -eq 0 ]]
