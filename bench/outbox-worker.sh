#!/usr/bin/env bash
# Benchmark of the outbox-worker relay against RabbitMQ PerfTest, the standard client, on the same broker in
# the same run (issue 20). Persistent messages, a durable queue bound to the exchange, publisher confirms,
# one consumer; every message is a real PatientCheckedIn envelope (kernel codec; its size is measured from
# the stored rows and printed, and PerfTest publishes bodies of that size).
#  rounds (RUNS, 3, after a round 0 that is not counted: a cold JVM spends most of its CPU compiling, and
#  the relay's first pass after an idle spell compiled again), interleaved so noise hits both:
#   a. PerfTest (com.rabbitmq:perf-test, fetched through Maven): 1 producer, 1 consumer, confirms (at most
#      PT_CONFIRM_WINDOW unconfirmed), persistent, durable queue, for PT_SECONDS; mean confirmed msgs/s of
#      the seconds after its first PT_WARMUP_SECONDS (a new PerfTest JVM confirmed ~4,700 msgs/s in its first
#      second and ~10,000 from its 9th on: its own start-up is not the broker's ceiling)
#   a'. (PT_WITH_PROPERTIES=1, the default) the same, each message carrying the relay's AMQP properties and
#      headers (the wire contract costs the broker: 14,200-15,500 against 16,900-18,100 msgs/s plain on
#      2026-12-01); a diagnostic only: the goal is against a.
#   b. relay: ROWS rows over 1,000 aggregates committed into the outbox in one transaction while the relay
#      runs (it wakes on the NOTIFY); rate = rows / (the last one delivered to the consumer - the fill's commit);
#      the relay JVM's CPU per message over the phase; relay ÷ PerfTest. One consumer JVM (acks every 500) serves every relay and
#      hot-aggregate phase, so like PerfTest's it is warm; its CPU per message is printed
#  hot aggregate: HOT_ROWS rows of ONE aggregate (per-aggregate order limits parallelism)
#  latency: 8 writers commit 1 event per transaction at a steady RATE/s for STEADY_SECONDS; a consumer
#     measures commit-returned -> message-delivered (p50/p95/p99/max), an upper bound of commit-to-publish,
#     and counts the outbox NOTIFYs the writers sent meanwhile (0 while the relay is awake)
# Goal (issue 20): relay >= 0.8 of PerfTest at <= 60 us of relay CPU per message, in at least 2 of 3 rounds.
# Uses its own database (waitingroom_outbox_bench), exchanges and queues; deletes them at the end.
# The relay's rate includes what PerfTest's steady-state rate leaves out (its wake-up, first claim, the last batch's
# confirm and the consumer's drain: tens of ms), so it can only understate; ROWS keeps that share small.
# Bounded: every wait has a timeout. Env: RUNS (3), ROWS (100000: a relay phase of ~6 s), PT_SECONDS (16), PT_WARMUP_SECONDS (8),
# PT_CONFIRM_WINDOW (1000), PT_WITH_PROPERTIES (1), HOT_ROWS (10000), RATE (1000), STEADY_SECONDS (20), BENCH_TRACE (none |
# unsampled | sampled, see fill()), BENCH_THREAD_CPU=1 (the relay JVM's CPU per thread in each relay phase),
# OUTBOX_APP (the quarkus-app directory to run, default outbox-worker/target/quarkus-app: point it at a
# copy of another build to compare two versions back to back), WORKER_JAVA_OPTS (e.g. a JFR recording),
# BENCH_HTTP_PORT (18081) and BENCH_MANAGEMENT_PORT (19081; health and metrics),
# and any OUTBOX_* setting of the worker (e.g. OUTBOX_WORKERS).
# Access control: the worker trusts a throw-away issuer whose key pair is made in the temp dir
# (deploy/local/local-issuer.sh with WAITING_ROOM_STATE there); admin calls carry its admin token.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

RUNS=${RUNS:-3}
ROWS=${ROWS:-100000}
PT_SECONDS=${PT_SECONDS:-16}
PT_WARMUP_SECONDS=${PT_WARMUP_SECONDS:-8}
(( PT_SECONDS > PT_WARMUP_SECONDS + 1 )) || { echo "PT_SECONDS must exceed PT_WARMUP_SECONDS + 1 (its rate is the mean of the seconds after the warm-up)" >&2; exit 1; }
PT_CONFIRM_WINDOW=${PT_CONFIRM_WINDOW:-1000}
PERF_TEST_VERSION=2.22.1
HOT_ROWS=${HOT_ROWS:-10000}
RATE=${RATE:-1000}
SECONDS_STEADY=${STEADY_SECONDS:-20}
DB=waitingroom_outbox_bench
EXCHANGE=outbox-worker.bench.events
QUEUE=outbox-worker.bench.all
PT_EXCHANGE=outbox-worker.bench.perftest
PT_QUEUE=outbox-worker.bench.perftest
PORT=${BENCH_HTTP_PORT:-18081}
MANAGEMENT=${BENCH_MANAGEMENT_PORT:-19081}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
WORK=$(mktemp -d)
WORKER_PID=""
CONSUMER_PID=""
HZ=$(getconf CLK_TCK)

psql_db() { PGPASSWORD=${PG_PASSWORD:-waitingroom} psql -h "$PG_HOST" -p "$PG_PORT" -U "${PG_USER:-waitingroom}" -d "$DB" -qtAX "$@"; }
BENCH_JVM=(-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider) # + the class path, once CP is known
bench_java() { java "${BENCH_JVM[@]}" -cp "$CP:$WORK" OutboxBench "$@"; }

cleanup() {
  if [[ -n "$CONSUMER_PID" ]]; then kill "$CONSUMER_PID" 2>/dev/null || true; fi
  if [[ -n "$WORKER_PID" ]] && kill -0 "$WORKER_PID" 2>/dev/null; then
    kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true
  fi
  bench_java cleanup "$EXCHANGE" "$QUEUE" >/dev/null 2>&1 || true
  bench_java cleanup "$PT_EXCHANGE" "$PT_QUEUE" >/dev/null 2>&1 || true
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# A throw-away issuer for this run (sets AUTH_ISSUER, AUTH_JWKS_URL=file:$WORK/issuer/issuer/public.pem,
# AUTH_AUDIENCE); admin_token mints an admin token of it.
issuer_env=$(WAITING_ROOM_STATE=$WORK/issuer bash deploy/local/local-issuer.sh 2>/dev/null) \
  || { echo "could not create the bench's issuer key pair (deploy/local/local-issuer.sh, needs openssl)" >&2; exit 1; }
eval "$issuer_env"
admin_token() { WAITING_ROOM_STATE=$WORK/issuer bash deploy/local/token.sh admin bench 3600; }

APP=${OUTBOX_APP:-outbox-worker/target/quarkus-app}
if [[ ! -f $APP/quarkus-run.jar ]]; then
  echo "building outbox-worker ..."
  mvn -B -ntp -o -q -f outbox-worker/pom.xml package -DskipTests
fi
CP="$APP/lib/main/*"

# PerfTest's class path, resolved by Maven (downloaded once into ~/.m2, offline afterwards).
cat > "$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>perf-test-classpath</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies><dependency><groupId>com.rabbitmq</groupId><artifactId>perf-test</artifactId>
    <version>$PERF_TEST_VERSION</version></dependency></dependencies>
</project>
POM
mvn -B -ntp -q -o -f "$WORK/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/perftest.cp" >/dev/null 2>&1 \
  || mvn -B -ntp -q -f "$WORK/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/perftest.cp" >/dev/null \
  || { echo "could not resolve com.rabbitmq:perf-test:$PERF_TEST_VERSION through Maven" >&2; exit 1; }

cat > "$WORK/OutboxBench.java" <<'JAVA'
import com.rabbitmq.client.*;
import java.sql.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class OutboxBench {
    static ConnectionFactory rabbit() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(env("RABBITMQ_HOST", "127.0.0.1"));
        f.setPort(Integer.parseInt(env("RABBITMQ_PORT", "5672")));
        f.setUsername(env("RABBITMQ_USER", "guest"));
        f.setPassword(env("RABBITMQ_PASSWORD", "guest"));
        return f;
    }
    static String env(String k, String d) { String v = System.getenv(k); return v == null || v.isBlank() ? d : v; }

    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "setup" -> { try (var c = rabbit().newConnection(); var ch = c.createChannel()) {
                ch.exchangeDeclare(a[1], "topic", true); ch.queueDeclare(a[2], true, false, false, null);
                ch.queueBind(a[2], a[1], "#"); ch.queuePurge(a[2]); } }
            case "cleanup" -> { try (var c = rabbit().newConnection(); var ch = c.createChannel()) {
                ch.queueDelete(a[2]); ch.exchangeDelete(a[1]); } }
            case "serve" -> serve(a[1], java.nio.file.Path.of(a[2]));
            case "envelope" -> envelope();
            case "latency" -> latency(a[1], a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            default -> throw new IllegalArgumentException(a[0]);
        }
    }

    /** A real PatientCheckedIn envelope as api-service writes it (kernel codec), for the fill's template. */
    static void envelope() {
        var codec = com.waitingroom.kernel.EventCodec.standard();
        var event = new com.waitingroom.kernel.events.PatientCheckedIn("ER-1", "P-000123", "Ana Maria Gonzalez",
                com.waitingroom.kernel.Priority.HIGH, com.waitingroom.kernel.Priority.MEDIUM, "General",
                "allergic to penicillin", 67, false, 4, 17L, 1);
        var envelope = codec.wrap(event, UUID.randomUUID(), 17, java.time.Instant.now(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString(), "receptionist-local", "receptionist");
        System.out.println(codec.encodeToString(envelope));
    }

    /**
     * The relay phases' consumer: one JVM for the whole run (warm, as PerfTest's consumer is when its rate
     * is taken), acking every 500 deliveries (and what is left once 10 ms passed without one); writes the number
     * received so far and the epoch ms of the latest delivery to the file (replaced atomically) every 10 ms while
     * they change.
     */
    static void serve(String queue, java.nio.file.Path countFile) throws Exception {
        var c = rabbit().newConnection();
        var ch = c.createChannel(); ch.basicQos(2000);
        AtomicLong count = new AtomicLong();
        AtomicLong lastAt = new AtomicLong(); // epoch ms of the latest delivery
        long[] tags = new long[2]; // [last delivered, last acked], guarded by tags
        ch.basicConsume(queue, false, (tag, d) -> {
            long n = count.incrementAndGet();
            lastAt.set(System.currentTimeMillis());
            synchronized (tags) {
                tags[0] = d.getEnvelope().getDeliveryTag();
                if (n % 500 == 0) { ch.basicAck(tags[0], true); tags[1] = tags[0]; }
            }
        }, t -> { });
        var tmp = countFile.resolveSibling(countFile.getFileName() + ".tmp");
        long written = -1;
        while (true) {
            long n = count.get();
            if (n != written) {
                java.nio.file.Files.writeString(tmp, n + " " + lastAt.get() + "\n");
                java.nio.file.Files.move(tmp, countFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                written = n;
            } else {
                synchronized (tags) { if (tags[0] > tags[1]) { ch.basicAck(tags[0], true); tags[1] = tags[0]; } }
            }
            Thread.sleep(10);
        }
    }

    /**
     * Steady writers (1 row per transaction, 8 connections so PostgreSQL's commit latency does not
     * cap the offered rate) + consumer; prints commit-returned -> delivered percentiles.
     */
    static void latency(String jdbcUrl, String queue, int rate, int seconds) throws Exception {
        Map<String, Long> committedAt = new ConcurrentHashMap<>();
        Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
        int total = rate * seconds;
        int writers = 8;
        BlockingQueue<java.sql.Connection> pool = new LinkedBlockingQueue<>();
        for (int i = 0; i < writers; i++) {
            var db = DriverManager.getConnection(jdbcUrl, env("PG_USER", "waitingroom"), env("PG_PASSWORD", "waitingroom"));
            db.setAutoCommit(true);
            pool.add(db);
        }
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        // The envelope of a real PatientCheckedIn (the template the fill uses too), with this row's ids.
        String template = env("BENCH_TEMPLATE", "{}");
        boolean envelopeText = "t".equals(env("BENCH_ENVELOPE_TEXT", "f")); // V24: the codec's text, fields in columns
        String sql = envelopeText ? """
                INSERT INTO outbox (event_id, aggregate_id, aggregate_version, event_type, routing_key, correlation_id, envelope,
                                    causation_id, schema_version, occurred_at)
                SELECT ?::uuid, ?, ?, 'PatientCheckedIn', 'PatientCheckedIn', 'bench',
                       replace(replace(replace(replace(t, tj->>'eventId', ?), '"ER-1"', '"' || ? || '"'), '"version":17,',
                               '"version":' || ?::bigint || ','),
                               tj->>'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
                       tj->>'causationId', (tj->>'schemaVersion')::int, now()
                FROM (SELECT ?::text AS t, ?::jsonb AS tj) s""" : """
                INSERT INTO outbox (event_id, aggregate_id, aggregate_version, event_type, routing_key, correlation_id, envelope)
                VALUES (?::uuid, ?, ?, 'PatientCheckedIn', 'PatientCheckedIn', 'bench', ?::jsonb || jsonb_build_object(
                  'eventId', ?::text, 'aggregateId', ?::text, 'version', ?::bigint,
                  'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                  'payload', (?::jsonb -> 'payload') || jsonb_build_object('queueId', ?::text)))""";
        // Counts the writers' outbox NOTIFYs: with the coalesced trigger there are none while the relay is awake.
        AtomicInteger notifies = new AtomicInteger();
        AtomicBoolean listening = new AtomicBoolean(true);
        var listen = DriverManager.getConnection(jdbcUrl, env("PG_USER", "waitingroom"), env("PG_PASSWORD", "waitingroom"));
        try (var st = listen.createStatement()) { st.execute("LISTEN outbox_pending"); }
        Thread listener = new Thread(() -> {
            try {
                var pg = listen.unwrap(org.postgresql.PGConnection.class);
                while (listening.get()) { var n = pg.getNotifications(100); if (n != null) notifies.addAndGet(n.length); }
            } catch (SQLException e) { throw new RuntimeException(e); }
        });
        listener.start();
        try (var rc = rabbit().newConnection()) {
            var ch = rc.createChannel(); ch.basicQos(500);
            ch.basicConsume(queue, true, (tag, d) -> arrivedAt.putIfAbsent(d.getProperties().getMessageId(), System.nanoTime()), t -> { });
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                final int n = i;
                executor.submit(() -> {
                    // each event is its own aggregate: concurrent writers cannot share a version sequence
                    String id = UUID.randomUUID().toString(); String aggId = "lat-" + n;
                    var db = pool.take();
                    try (var insert = db.prepareStatement(sql)) {
                        insert.setString(1, id); insert.setString(2, aggId); insert.setLong(3, 1);
                        if (envelopeText) {
                            insert.setString(4, id); insert.setString(5, aggId); insert.setLong(6, 1);
                            insert.setString(7, template); insert.setString(8, template);
                        } else {
                            insert.setString(4, template); insert.setString(5, id); insert.setString(6, aggId);
                            insert.setLong(7, 1); insert.setString(8, template); insert.setString(9, aggId);
                        }
                        insert.executeUpdate();
                        committedAt.put(id, System.nanoTime());
                    } finally { pool.add(db); }
                    return null;
                });
            }
            executor.shutdown();
            executor.awaitTermination(60, TimeUnit.SECONDS);
            double achieved = total / ((System.nanoTime() - start) / 1e9);
            long deadline = System.currentTimeMillis() + 30_000;
            while (arrivedAt.size() < total && System.currentTimeMillis() < deadline) Thread.sleep(100);
            long[] sorted = committedAt.entrySet().stream().filter(e -> arrivedAt.containsKey(e.getKey()))
                    .mapToLong(e -> Math.max(0, arrivedAt.get(e.getKey()) - e.getValue())).sorted().toArray();
            System.out.printf("latency: %d events at %.0f/s offered (%d delivered%s)%n", total, achieved, sorted.length,
                    sorted.length == total ? "" : ", MISSING " + (total - sorted.length));
            if (sorted.length > 0) System.out.printf("commit->delivery ms: p50 %.2f  p95 %.2f  p99 %.2f  max %.2f%n",
                    pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted[sorted.length - 1] / 1e6);
            listening.set(false); listener.join(2000); listen.close();
            System.out.printf("outbox NOTIFYs sent by the writers: %d of %d transactions%n", notifies.get(), total);
            for (var db : pool) db.close();
        }
    }
    static double pct(long[] s, double p) { return s[Math.min(s.length - 1, (int) Math.ceil(p / 100 * s.length) - 1)] / 1e6; }
}
JAVA
javac -cp "$CP" -d "$WORK" "$WORK/OutboxBench.java"

start_worker() { # $1 = relay enabled
  QUARKUS_LOG_CATEGORY__COM_WAITINGROOM_OUTBOX_MESSAGING__LEVEL=${BENCH_LOG_LEVEL:-INFO} HTTP_PORT=$PORT MANAGEMENT_PORT=$MANAGEMENT \
    PG_DB=$DB EVENTS_EXCHANGE=$EXCHANGE OUTBOX_RELAY_ENABLED=$1 AUTH_ISSUER=$AUTH_ISSUER AUTH_JWKS_URL=$AUTH_JWKS_URL AUTH_AUDIENCE=$AUTH_AUDIENCE \
    java ${WORKER_JAVA_OPTS:-} -jar "$APP/quarkus-run.jar" > "$WORK/worker.log" 2>&1 &
  WORKER_PID=$!
  wait_ready "http://127.0.0.1:$MANAGEMENT/q/health/ready" "$WORKER_PID" "$WORK/worker.log"
}
stop_worker() { [[ -n "${KEEP_LOG:-}" ]] && cp "$WORK/worker.log" "$KEEP_LOG"; kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true; WORKER_PID=""; }
consumed() { { cat "$WORK/consumed" 2>/dev/null || echo 0; } | cut -d' ' -f1; } # messages the run's consumer received so far
last_delivery_ms() { cut -d' ' -f2 "$WORK/consumed"; } # epoch ms of the consumer's latest delivery
wait_consumed() { # $1 = expected received messages, $2 = timeout s
  for _ in $(seq 1 $(( $2 * 20 ))); do
    [[ $(consumed) -ge $1 ]] && return 0
    kill -0 "$CONSUMER_PID" 2>/dev/null || { echo "the bench consumer died:" >&2; tail -5 "$WORK/consumer.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "TIMED OUT waiting for $1 messages (received $(consumed))"
}
# Relayed rows (aggregate_id) of the build under test (OUTBOX_APP may be one from before V23); set
# once the worker has run the migrations (relayed_rows_source).
RELAYED=$(relayed_rows "aggregate_id" f)
relayed_rows_source() {
  RELAYED=$(relayed_rows "aggregate_id" "$(psql_db -c "SELECT to_regclass('outbox_dispatched') IS NOT NULL")")
}
reset_outbox() { # between phases: no backlog, no relayed rows, no dead tuples left for the next phase
  psql_db -c "DELETE FROM outbox" -c "VACUUM outbox"
  [[ $RELAYED == *outbox_dispatched* ]] && psql_db -c "TRUNCATE outbox_dispatched" >/dev/null
  return 0
}
wait_dispatched() { # $1 = expected dispatched rows, $2 = timeout s
  for _ in $(seq 1 $(( $2 * 10 ))); do
    [[ $(psql_db -c "SELECT count(*) FROM $RELAYED") -ge $1 ]] && return 0
    sleep 0.1
  done
  echo "TIMED OUT waiting for $1 dispatched rows"
}
# BENCH_TRACE: the trace context api-service stores with each row (relay and hot phases): none (rows written
# before tracing), unsampled (the default configuration: forwarded as stored) or sampled (a producer span
# per row; nothing listens on the default OTLP endpoint, so the spans are dropped after a failed export).
case "${BENCH_TRACE:-none}" in
  none) TRACE_COLUMN=""; TRACE_VALUE="" ;;
  unsampled|sampled)
    TRACE_COLUMN=", traceparent"
    flags=$([[ $BENCH_TRACE == sampled ]] && echo 01 || echo 00)
    TRACE_VALUE=", '00-' || md5(id::text) || '-' || substr(md5(agg || ver), 1, 16) || '-$flags'" ;;
  *) echo "BENCH_TRACE must be none, unsampled or sampled" >&2; exit 1 ;;
esac
# The fill's transaction analyzes the outbox before it commits (ANALYZE counts the transaction's own rows),
# so the relay, woken by the commit, plans its claim on statistics of the table it finds; planned on the
# statistics of an empty outbox, the claim's per-aggregate look-ups went from ~6,000 to ~300 rows/s.
# The rows fill() writes: real PatientCheckedIn envelopes with this row's ids ($1 = rows, $2 = aggregates, $3 = prefix).
# Since V24 as api-service writes them: the codec's text (the template's, with this row's event id, aggregate, version
# and patient substituted) and the header fields in their columns; before V24 (OUTBOX_APP of an older build) as JSONB.
fill_rows() {
  if [[ $ENVELOPE_TEXT == t ]]; then
    cat <<SQL
    SELECT id, agg, ver, 'PatientCheckedIn', 'PatientCheckedIn', tj->>'correlationId',
           replace(replace(replace(replace(t, tj->>'eventId', id::text), '"ER-1"', '"' || agg || '"'),
                                   '"version":17,', '"version":' || ver || ','), '"P-000123"', '"P-' || g || '"'),
           tj->>'causationId', (tj->>'schemaVersion')::int, (tj->>'occurredAt')::timestamptz$TRACE_VALUE
    FROM (SELECT g, gen_random_uuid() AS id, '$3' || (g % $2) AS agg, (g / $2) + 1 AS ver, :'template'::text AS t,
                 :'template'::jsonb AS tj
          FROM generate_series(0, $1 - 1) g) s
SQL
  else
    cat <<SQL
    SELECT id, agg, ver, 'PatientCheckedIn', 'PatientCheckedIn', t->>'correlationId',
           t || jsonb_build_object('eventId', id, 'aggregateId', agg, 'version', ver,
                                   'payload', (t->'payload') || jsonb_build_object('queueId', agg, 'patientId', 'P-' || g))$TRACE_VALUE
    FROM (SELECT g, gen_random_uuid() AS id, '$3' || (g % $2) AS agg, (g / $2) + 1 AS ver, :'template'::jsonb AS t
          FROM generate_series(0, $1 - 1) g) s
SQL
  fi
}
fill_columns() { [[ $ENVELOPE_TEXT == t ]] && echo ", causation_id, schema_version, occurred_at"; true; }
fill() { # $1 = rows, $2 = aggregates, $3 = aggregate prefix; prints the epoch ms right after the commit
  psql_db -v template="$TEMPLATE" <<SQL
    BEGIN;
    INSERT INTO outbox (event_id, aggregate_id, aggregate_version, event_type, routing_key, correlation_id, envelope$(fill_columns)$TRACE_COLUMN)
    $(fill_rows "$@");
    ANALYZE outbox;
    COMMIT;
    SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint;
SQL
}
stored_size() { # mean envelope bytes (as stored and published) of the rows fill "$@" would write
  psql_db -v template="$TEMPLATE" <<SQL
    SELECT round(avg(octet_length(envelope::text))) FROM ($(fill_rows "$@")) rows (i, a, v, e, r, c, envelope$(fill_columns)$TRACE_COLUMN);
SQL
}
# Relayed messages per second of a phase: $1 rows from the fill's commit (epoch ms $2) to the consumer's delivery of
# the last of them; the relay's wake-up, every batch's claim, publish, confirm and commit, and the delivery are in.
# (Rates from the rows' dispatched_at, their batch's claim time, overstated it: the last batch's time was left out,
# and under pipelining the second claim follows the first without waiting for its confirms.)
delivery_rate() {
  local to
  to=$(last_delivery_ms)
  [[ $2 =~ ^[0-9]+$ && $to =~ ^[0-9]+$ && $to -gt $2 ]] || { echo "no delivery after the fill's commit ($2, $to)" >&2; return 1; }
  awk -v n="$1" -v from="$2" -v to="$to" 'BEGIN { printf "%.0f", n * 1000 / (to - from) }'
}
thread_ticks() { # name<TAB>ticks of every thread of the relay JVM (digits folded, so pools add up)
  for task in /proc/"$WORKER_PID"/task/*; do
    printf '%s\t%s\n' "$(tr -d '\n' < "$task/comm" | tr '0-9' '#')" "$(stat_ticks "$task/stat")"
  done | awk -F'\t' '{t[$1] += $2} END {for (n in t) print n "\t" t[n]}' | sort
}
print_thread_cpu() { # $1 = before (thread_ticks), $2 = after, $3 = messages
  join -t$'\t' -a2 -e0 -o '0,1.2,2.2' <(echo "$1") <(echo "$2") \
    | awk -F'\t' -v n="$3" -v hz="$HZ" '$3 - $2 > 0 {printf "    %-28s %6.1f us/msg\n", $1, 1e6 * ($3 - $2) / hz / n}' | sort -k2 -t$'\t' -rn
}
# CPU ticks so far of the broker (every beam.smp) and of PostgreSQL (every postgres process: backends,
# WAL writer, checkpointer), to show what each phase costs them per message.
broker_ticks() { proc_ticks $(pgrep -x beam.smp); }
pg_ticks() { proc_ticks $(pgrep -x postgres); }
per_msg() { awk -v t="$1" -v n="$2" -v hz="$HZ" 'BEGIN { printf "%.0f", (n > 0 ? 1e6 * t / hz / n : 0) }'; }
# One relay phase: $1 rows over 1,000 aggregates (prefix $2) committed at once; prints
# "rate relay_cpu_us_per_msg broker_us_per_msg postgres_us_per_msg" (the fill's own work included in neither).
relay_phase() {
  local rows=$1 prefix=$2 before_threads ticks expected received consumer_ticks
  expected=$(( $(psql_db -c "SELECT count(*) FROM $RELAYED") + rows ))
  received=$(( $(consumed) + rows ))
  consumer_ticks=$(proc_ticks "$CONSUMER_PID")
  [[ -n "${BENCH_THREAD_CPU:-}" ]] && before_threads=$(thread_ticks)
  ticks=$(proc_ticks "$WORKER_PID")
  local started=$SECONDS
  local committed_ms filled broker pg
  committed_ms=$(fill "$rows" 1000 "$prefix")
  filled=$SECONDS
  broker=$(broker_ticks); pg=$(pg_ticks)
  # Waits for the consumer's count, not a count(*) of the outbox every 100 ms (that cost PostgreSQL CPU on the
  # same two cores while the relay worked; PerfTest's phase has no poller).
  wait_consumed "$received" 180 >&2
  wait_dispatched "$expected" 60 >&2
  echo "    bench consumer (warm JVM): $(per_msg $(( $(proc_ticks "$CONSUMER_PID") - consumer_ticks )) "$rows") us CPU/msg" >&2
  ticks=$(( $(proc_ticks "$WORKER_PID") - ticks ))
  broker=$(( $(broker_ticks) - broker )); pg=$(( $(pg_ticks) - pg ))
  [[ -n "${BENCH_THREAD_CPU:-}" ]] && echo "    fill $((filled - started)) s, relayed within $((SECONDS - filled)) s more" >&2
  [[ -n "${BENCH_THREAD_CPU:-}" ]] && print_thread_cpu "$before_threads" "$(thread_ticks)" "$rows" >&2
  local rate
  rate=$(delivery_rate "$rows" "$committed_ms") || exit 1
  echo "$rate $(per_msg "$ticks" "$rows") $(per_msg "$broker" "$rows") $(per_msg "$pg" "$rows")"
}
# One PerfTest phase on an empty queue: prints "confirmed_rate client_cpu_us_per_msg broker_us_per_msg".
perftest_phase() { # $1 = seconds, more arguments go to PerfTest
  local seconds=$1 log="$WORK/perftest.log" pid ticks=0 t broker
  shift
  bench_java setup "$PT_EXCHANGE" "$PT_QUEUE" >/dev/null || { echo "could not declare/purge the PerfTest queue" >&2; exit 1; } # declared and purged: no backlog from a round before
  broker=$(broker_ticks)
  java -Dlogback.configurationFile=/dev/null -cp "$(cat "$WORK/perftest.cp")" com.rabbitmq.perf.PerfTest \
    --uri "amqp://${RABBITMQ_USER:-guest}:${RABBITMQ_PASSWORD:-guest}@${RABBITMQ_HOST:-127.0.0.1}:${RABBITMQ_PORT:-5672}" \
    --exchange "$PT_EXCHANGE" --type topic --routing-key PatientCheckedIn --queue "$PT_QUEUE" --auto-delete false \
    --flag persistent --confirm "$PT_CONFIRM_WINDOW" --size "$SIZE" --producers 1 --consumers 1 \
    --time "$seconds" "$@" > "$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do # its CPU, read until it exits
    t=$(stat_ticks "/proc/$pid/stat") # 0 once it has exited: the maximum read so far stands
    [[ $t -gt $ticks ]] && ticks=$t; sleep 0.1
  done
  wait "$pid" || { tail -20 "$log" >&2; echo "PerfTest failed" >&2; exit 1; }
  broker=$(( $(broker_ticks) - broker ))
  # the mean of the per-second "confirmed" samples after its warm-up; the client's and broker's CPU per
  # confirmed message over the whole run (the client's start-up included)
  awk -v t="$ticks" -v b="$broker" -v hz="$HZ" -v from="$PT_WARMUP_SECONDS" '/confirmed: [0-9]+ msg\/s/ {
      for (i = 1; i <= NF; i++) {
        if ($i == "time") second = $(i + 1) + 0
        if ($i == "confirmed:") { all += $(i + 1); if (second > from) { sum += $(i + 1); n++ } } } }
    END { rate = n ? sum / n : 0; printf "%.0f %.0f %.0f\n", rate, all ? 1e6 * t / hz / all : 0, all ? 1e6 * b / hz / all : 0 }' "$log"
}

echo "== outbox-worker benchmark ($(nproc) cores, shared; $(date -u +%H:%M:%SZ); load average $(cut -d' ' -f1-3 /proc/loadavg); trace context: ${BENCH_TRACE:-none}) =="
echo "app: $APP (checkout $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB OWNER waitingroom"
bench_java setup "$EXCHANGE" "$QUEUE"
TEMPLATE=$(bench_java envelope)
export BENCH_TEMPLATE=$TEMPLATE
start_worker true   # runs the migrations; the relay stays up for every phase (warm JVM)
relayed_rows_source
ENVELOPE_TEXT=$(psql_db -c "SELECT data_type = 'text' FROM information_schema.columns WHERE table_name = 'outbox' AND column_name = 'envelope'")
export BENCH_ENVELOPE_TEXT=$ENVELOPE_TEXT
SIZE=$(stored_size 1000 1000 "size-")
# the fill's text substitutions must give each row its own body (a codec format change would silently break them)
if [[ $ENVELOPE_TEXT == t ]]; then
  substituted=$(psql_db -v template="$TEMPLATE" <<SQL
    SELECT count(DISTINCT envelope) = 1000 AND bool_and(envelope LIKE '%"version":' || v || ',%' AND envelope LIKE '%"' || a || '"%')
    FROM ($(fill_rows 1000 10 "check-")) rows (i, a, v, e, r, c, envelope$(fill_columns)$TRACE_COLUMN);
SQL
  )
  [[ $substituted == t ]] || { echo "the fill's envelope substitutions no longer match the codec's template" >&2; exit 1; }
fi
fill 1000 1000 "size-" >/dev/null
wait_dispatched 1000 60
echo "envelope: a real PatientCheckedIn, ${#TEMPLATE} bytes as encoded by the kernel codec, $SIZE bytes as stored and published ($([[ $ENVELOPE_TEXT == t ]] && echo "the codec's text" || echo "jsonb text, before V24")); PerfTest bodies: $SIZE bytes"
# One consumer JVM for the relay and hot-aggregate phases (a JVM started per phase spent ~50 us CPU per
# message of its 4-s phase on its start-up and JIT, on the cores the relay needs; PerfTest's rate is taken warm).
(exec java "${BENCH_JVM[@]}" -cp "$CP:$WORK" OutboxBench serve "$QUEUE" "$WORK/consumed") > "$WORK/consumer.log" 2>&1 &
# exec (not bench_java, a function): $! is the JVM itself, whose CPU is read and which is killed later
CONSUMER_PID=$!
wait_consumed 1000 30 # the envelope-size rows

reset_outbox

# The AMQP properties and headers the relay publishes (CONVENTIONS.md wire contract; PerfTest sends the header
# values as strings of the relay's lengths, where the relay sends the numbers as AMQP longs and ints).
RELAY_PROPERTIES="contentType=application/json,messageId=$(cat /proc/sys/kernel/random/uuid),correlationId=$(cat /proc/sys/kernel/random/uuid)"
RELAY_PROPERTIES+=",type=PatientCheckedIn,appId=outbox-worker,correlation-id=$(cat /proc/sys/kernel/random/uuid)"
RELAY_PROPERTIES+=",causation-id=$(cat /proc/sys/kernel/random/uuid),aggregate-id=ER-1,aggregate-version=17,event-type=PatientCheckedIn"
RELAY_PROPERTIES+=",schema-version=1,occurred-at=$(date +%s%3N),published-at=$(date +%s%3N)"
met=0
declare -a SUMMARY
for run in $(seq 0 "$RUNS"); do
  echo "-- round $run/$RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))$([[ $run == 0 ]] && echo ' - warm-up, not counted')"
  read -r pt_rate pt_cpu pt_broker_us < <(perftest_phase "$PT_SECONDS") || { echo "the PerfTest phase failed (above)" >&2; exit 1; }
  echo "   a. PerfTest: $pt_rate confirmed msgs/s (1 producer, 1 consumer, confirm window $PT_CONFIRM_WINDOW, $SIZE-byte persistent messages; client $pt_cpu us CPU/msg incl. start-up; broker $pt_broker_us us/msg)"
  pp_rate=""
  if [[ ${PT_WITH_PROPERTIES:-1} == 1 ]]; then
    read -r pp_rate pp_cpu pp_broker_us < <(perftest_phase "$PT_SECONDS" --message-properties "$RELAY_PROPERTIES") \
      || { echo "the PerfTest phase with the relay's properties failed (above)" >&2; exit 1; }
    echo "   a'. PerfTest, messages with the relay's properties and headers: $pp_rate confirmed msgs/s (client $pp_cpu us CPU/msg; broker $pp_broker_us us/msg)"
  fi
  read -r rate cpu broker_us pg_us < <(relay_phase "$ROWS" "tp$run-") || { echo "the relay phase failed (above)" >&2; exit 1; }
  ratio=$(awk -v r="$rate" -v p="$pt_rate" 'BEGIN { printf "%.2f", (p > 0 ? r / p : 0) }')
  ok=$(awk -v q="$ratio" -v c="$cpu" 'BEGIN { print ((q >= 0.8 && c <= 60) ? "goal met" : "goal not met") }')
  if [[ $run == 0 ]]; then
    echo "   warm-up: PerfTest $pt_rate msgs/s, relay $rate msgs/s at $cpu us CPU/msg"
    reset_outbox
    continue
  fi
  [[ $ok == "goal met" ]] && met=$((met + 1))
  echo "   b. relay: $ROWS rows over 1000 aggregates: $rate msgs/s, relay JVM $cpu us CPU/msg; broker $broker_us us/msg, PostgreSQL $pg_us us/msg"
  echo "   relay / PerfTest = $ratio ($ok: >= 0.8 at <= 60 us/msg)"
  pp_ratio=$([[ -n $pp_rate ]] && awk -v r="$rate" -v p="$pp_rate" 'BEGIN { printf "%.2f", (p > 0 ? r / p : 0) }' || echo "-")
  [[ -n $pp_rate ]] && echo "   relay / PerfTest with the relay's properties = $pp_ratio (diagnostic: the goal is against a.)"
  SUMMARY+=("round $run: PerfTest $pt_rate msgs/s | relay $rate msgs/s, $cpu us CPU/msg | ratio $ratio | with the relay's properties: PerfTest ${pp_rate:--} msgs/s, ratio $pp_ratio")
  reset_outbox
done

echo "-- hot aggregate: $HOT_ROWS rows of one aggregate"
hot_received=$(( $(consumed) + HOT_ROWS ))
hot_committed_ms=$(fill "$HOT_ROWS" 1 "hot-")
wait_consumed "$hot_received" 120
wait_dispatched "$HOT_ROWS" 60
echo "   $(delivery_rate "$HOT_ROWS" "$hot_committed_ms" || echo FAILED) msgs/s"
reset_outbox
kill "$CONSUMER_PID" 2>/dev/null || true; wait "$CONSUMER_PID" 2>/dev/null || true; CONSUMER_PID="" # the latency phase has its own

echo "-- latency at a steady $RATE events/s for $SECONDS_STEADY s (1 event per transaction)"
relay_ticks_before=$(proc_ticks "$WORKER_PID")
bench_java latency "jdbc:postgresql://$PG_HOST:$PG_PORT/$DB" "$QUEUE" "$RATE" "$SECONDS_STEADY"
relay_ticks=$(( $(proc_ticks "$WORKER_PID") - relay_ticks_before ))
awk -v t="$relay_ticks" -v n=$(( RATE * SECONDS_STEADY )) -v hz="$HZ" \
  'BEGIN { printf "relay JVM CPU during the latency phase: %.0f us per message (%.0f%% of one core)\n", 1e6 * t / hz / n, 100 * t / hz / (n / '"$RATE"') }'
curl -fs "http://127.0.0.1:$MANAGEMENT/q/metrics" | grep -E '^outbox_(dispatched_total|publish_failures_total|dead_transitions_total) ' || true
echo "admin counts: $(curl -fsS -H "Authorization: Bearer $(admin_token)" "http://127.0.0.1:$PORT/admin/outbox/counts" || echo FAILED)"
stop_worker
echo "== summary (load average $(cut -d' ' -f1-3 /proc/loadavg)) =="
printf '%s\n' "${SUMMARY[@]}"
echo "goal (relay >= 0.8 of PerfTest at <= 60 us CPU/msg) met in $met of $RUNS rounds"
