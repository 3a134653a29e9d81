# Sourced by bench/event-ingest-service.sh: the pgbench ceiling of batch ingest (issue 20).
# `ceiling_setup DIR NOW` makes a copy of the service's tables (ceiling_events: same columns, defaults,
# constraints, indexes, daily partition of NOW plus a DEFAULT one; ceiling_event_counts) and pgbench's
# scripts; `run_ceiling DIR VARIANT SECONDS` runs PGBENCH_CLIENTS pgbench clients for SECONDS and prints
#   RESULT rows_per_s=… pg_us=… client_us=…
# (rows/s and the CPU per row of the PostgreSQL backends and of pgbench itself, measured from the 2nd
# second to the last but one, so connecting and stopping do not count).
# Variants: `plain` inserts 500 rows per statement with INSERT … SELECT FROM unnest(arrays), the rows shaped
# like the service bench's batches (same timestamp, "queue event i", {"n": i}); `counters` is the same
# statement plus the summary-counter update the service wrote until issue 20 (RETURNING + GROUP BY +
# upsert), i.e. pgbench doing the same work per row as the service.
# Ids: a per-statement time-ordered prefix (clock_timestamp in hex) + client + row number, ~37 characters
# like the service's UUIDv7, so both indexes take their inserts at the right edge as the service's do.
# Arrays are sent as text parameters (-M prepared) and parsed by PostgreSQL; the service sends them binary.

ceiling_psql() { PGPASSWORD="$PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -v ON_ERROR_STOP=1 "$@"; }

ceiling_setup() { # dir now
  local dir=$1 now=$2 day next
  day=$(date -u -d "$now" +%F); next=$(date -u -d "$day + 1 day" +%F)
  ceiling_psql -q <<SQL
DROP TABLE IF EXISTS ceiling_events, ceiling_event_counts;
CREATE TABLE ceiling_events (LIKE ingest_events INCLUDING ALL) PARTITION BY RANGE (ts);
CREATE TABLE ceiling_events_day PARTITION OF ceiling_events FOR VALUES FROM ('$day') TO ('$next');
CREATE TABLE ceiling_events_default PARTITION OF ceiling_events DEFAULT;
CREATE TABLE ceiling_event_counts (LIKE ingest_event_counts INCLUDING ALL);
SQL
  # the copy must have the service's indexes, or the comparison is not fair
  local theirs ours
  theirs=$(ceiling_psql -Atc "SELECT count(*) FROM pg_indexes WHERE tablename = 'ingest_events'")
  ours=$(ceiling_psql -Atc "SELECT count(*) FROM pg_indexes WHERE tablename = 'ceiling_events'")
  [[ $theirs == "$ours" ]] || { echo "ceiling_events has $ours indexes, ingest_events $theirs" >&2; exit 1; }

  python3 - "$dir" "$now" <<'PY'
import sys
dir, now = sys.argv[1], sys.argv[2]
n = 500
def arr(xs): return '{' + ','.join('"' + x.replace('\\', '\\\\').replace('"', '\\"') + '"' for x in xs) + '}'
with open(f"{dir}/ceiling.vars", "w") as f:
    f.write('suffixes=' + arr(['%020d' % i for i in range(1, n + 1)]) + '\n')
    f.write('ts=' + arr([now] * n) + '\n')
    f.write('svc=' + arr(['bench-pgbench'] * n) + '\n')
    f.write('msg=' + arr(['queue event %d' % i for i in range(1, n + 1)]) + '\n')
    f.write('meta=' + arr(['{"n": %d}' % i for i in range(1, n + 1)]) + '\n')
PY
  local rows="SELECT p.prefix || s, ts, service, message, metadata::jsonb
  FROM (SELECT to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint) || '-' || lpad(:client_id::text, 2, '0') || '-' AS prefix) p,
       unnest(:suffixes::text[], :ts::timestamptz[], :svc::text[], :msg::text[], :meta::text[]) AS input(s, ts, service, message, metadata)"
  cat > "$dir/ceiling-plain.sql" <<SQL
INSERT INTO ceiling_events (event_id, ts, service, message, metadata)
$rows;
SQL
  cat > "$dir/ceiling-counters.sql" <<SQL
WITH inserted AS (
  INSERT INTO ceiling_events (event_id, ts, service, message, metadata)
  $rows
  RETURNING service, ts
), counted AS (
  INSERT INTO ceiling_event_counts (service, minute, slot, events)
  SELECT service, date_trunc('minute', ts), (:client_id % 4)::smallint, count(*) FROM inserted GROUP BY 1, 2
  ON CONFLICT (minute, service, slot) DO UPDATE SET events = ceiling_event_counts.events + excluded.events
)
SELECT count(*) FROM inserted;
SQL
}

run_ceiling() { # dir variant seconds
  local dir=$1 variant=$2 seconds=$3 args=() line
  while IFS= read -r line; do args+=(-D "$line"); done < "$dir/ceiling.vars"
  PGPASSWORD="$PG_PASSWORD" pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -n -M prepared \
    -c "$PGBENCH_CLIENTS" -j 2 -T "$seconds" -P 1 -f "$dir/ceiling-$variant.sql" "${args[@]}" "$PG_DB" \
    > "$dir/pgbench.out" 2> "$dir/pgbench.err" &
  local pid=$! pg0 pg1 cl0 cl1 s0 s1
  sleep 1.5
  local backends
  backends=$(psql_admin -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$PG_DB' AND application_name = 'pgbench'")
  pg0=$(proc_ticks $backends); cl0=$(proc_ticks "$pid"); s0=$(date +%s.%N)
  sleep $((seconds - 3))
  pg1=$(proc_ticks $backends); cl1=$(proc_ticks "$pid"); s1=$(date +%s.%N)
  wait "$pid" || { cat "$dir/pgbench.err" >&2; exit 1; }
  # "progress: 3.0 s, 123.4 tps, …" once a second; the seconds inside the CPU window
  awk -v from=2 -v to=$((seconds - 1)) -v pg=$((pg1 - pg0)) -v cl=$((cl1 - cl0)) -v secs="$(awk -v a="$s0" -v b="$s1" 'BEGIN {print b - a}')" \
      -v hz="$(getconf CLK_TCK)" '
    /^progress/ { s = $2 + 0; if (s > from && s <= to) { tps += $4; n++ } }
    END { rows = 500 * tps / n
          printf "RESULT rows_per_s=%.0f pg_us=%.2f client_us=%.2f\n", rows, 1e6 * pg / hz / (rows * secs), 1e6 * cl / hz / (rows * secs) }' "$dir/pgbench.err"
}
