#!/usr/bin/env bash
# Benchmark of the outbox-worker relay on loopback (publisher confirms, persistent messages, a
# durable queue bound to the exchange so the broker really stores every message).
#  0. broker ceiling: the same number of messages published by a plain client with confirms, no
#     database: the upper bound of any relay on this machine and broker
#  1. throughput: 200,000 rows over 1,000 aggregates already in the outbox, relay started cold;
#     figure = rows / (last dispatched_at - first dispatched_at) plus consumer-side rate
#  2. hot aggregate: 20,000 rows of ONE aggregate (per-aggregate order limits parallelism)
#  3. latency: 8 writers commit 1 event per transaction at a steady 1,000/s for 20 s; a consumer
#     measures commit-returned -> message-delivered (p50/p95/p99/max), an upper bound of
#     commit-to-publish
# Uses its own database (waitingroom_outbox_bench), exchange and queue; deletes them at the end.
#     and counts the outbox NOTIFYs the writers sent meanwhile (0 while the relay is awake)
# Bounded: every wait has a timeout. Env: BENCH_TRACE (none | unsampled | sampled, see fill()), ROWS (200000), HOT_ROWS (20000), RATE (1000), STEADY_SECONDS (20),
# OUTBOX_APP (the quarkus-app directory to run, default outbox-worker/target/quarkus-app: point it at a
# copy of another build to compare two versions back to back), WORKER_JAVA_OPTS (e.g. a JFR recording),
# BENCH_HTTP_PORT (18081) and BENCH_MANAGEMENT_PORT (19081; health and metrics),
# and any OUTBOX_* setting of the worker (e.g. OUTBOX_WORKERS).
# Access control: the worker trusts a throw-away issuer whose key pair is made in the temp dir
# (deploy/local/local-issuer.sh with WAITING_ROOM_STATE there); admin calls carry its admin token.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

ROWS=${ROWS:-200000}
HOT_ROWS=${HOT_ROWS:-20000}
RATE=${RATE:-1000}
SECONDS_STEADY=${STEADY_SECONDS:-20}
DB=waitingroom_outbox_bench
EXCHANGE=outbox-worker.bench.events
QUEUE=outbox-worker.bench.all
PORT=${BENCH_HTTP_PORT:-18081}
MANAGEMENT=${BENCH_MANAGEMENT_PORT:-19081}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
WORK=$(mktemp -d)
WORKER_PID=""

psql_db() { PGPASSWORD=${PG_PASSWORD:-waitingroom} psql -h "$PG_HOST" -p "$PG_PORT" -U "${PG_USER:-waitingroom}" -d "$DB" -qtAX "$@"; }

cleanup() {
  if [[ -n "$WORKER_PID" ]] && kill -0 "$WORKER_PID" 2>/dev/null; then
    kill "$WORKER_PID"; wait "$WORKER_PID" 2>/dev/null || true
  fi
  java -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -cp "$CP:$WORK" OutboxBench cleanup "$EXCHANGE" "$QUEUE" >/dev/null 2>&1 || true
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
  mvn -B -ntp -o -q -pl outbox-worker package -DskipTests
fi
CP="$APP/lib/main/*"

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
            case "consume" -> consume(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]));
            case "ceiling" -> ceiling(a[1], Integer.parseInt(a[2]));
            case "latency" -> latency(a[1], a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            default -> throw new IllegalArgumentException(a[0]);
        }
    }

    /** Counts deliveries until n arrived (or timeout) and prints the consumer-side rate. */
    static void consume(String queue, int n, int timeoutSeconds) throws Exception {
        try (var c = rabbit().newConnection()) {
            var ch = c.createChannel(); ch.basicQos(2000);
            AtomicInteger count = new AtomicInteger(); AtomicLong first = new AtomicLong(), last = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            ch.basicConsume(queue, false, (tag, d) -> {
                long now = System.nanoTime(); first.compareAndSet(0, now); last.set(now);
                if (count.incrementAndGet() % 500 == 0 || count.get() >= n) ch.basicAck(d.getEnvelope().getDeliveryTag(), true);
                if (count.get() >= n) done.countDown();
            }, t -> { });
            boolean ok = done.await(timeoutSeconds, TimeUnit.SECONDS);
            double secs = (last.get() - first.get()) / 1e9;
            System.out.printf("consumer: %d/%d messages%s, first->last %.2f s = %.0f msgs/s%n", count.get(), n,
                    ok ? "" : " (TIMED OUT)", secs, secs > 0 ? count.get() / secs : 0);
        }
    }

    /**
     * The broker alone: 2 publishers (like the relay's 2 workers) send n persistent messages of an
     * outbox envelope's size and headers in batches of 500, each batch waiting for its confirms; no
     * database. What this RabbitMQ on this machine can take, the relay's upper bound.
     */
    static void ceiling(String exchange, int n) throws Exception {
        String envelope = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"aggregateId\":\"tp-1\",\"aggregateType\":\"WaitingQueue\","
                + "\"version\":1,\"eventType\":\"PatientCheckedIn\",\"schemaVersion\":1,\"occurredAt\":\"2026-01-01T00:00:00Z\","
                + "\"correlationId\":\"bench\",\"payload\":{\"queueId\":\"tp-1\",\"patientId\":\"p1\"}}";
        byte[] body = envelope.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int threads = 2, batch = 500;
        try (var c = rabbit().newConnection()) {
            List<Thread> publishers = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                Thread publisher = new Thread(() -> {
                    try (var ch = c.createChannel()) {
                        ch.confirmSelect();
                        for (int sent = 0; sent < n / threads; sent += batch) {
                            for (int i = 0; i < batch; i++) {
                                var props = new AMQP.BasicProperties.Builder().deliveryMode(2).contentType("application/json")
                                        .messageId(UUID.randomUUID().toString()).correlationId("bench")
                                        .headers(Map.of("aggregateId", "tp-1", "aggregateVersion", 1L, "eventType", "PatientCheckedIn"))
                                        .build();
                                ch.basicPublish(exchange, "PatientCheckedIn", props, body);
                            }
                            ch.waitForConfirmsOrDie(10_000);
                        }
                    } catch (Exception e) { throw new RuntimeException(e); }
                });
                publisher.start(); publishers.add(publisher);
            }
            for (Thread publisher : publishers) publisher.join();
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("broker alone: %d persistent messages confirmed in %.2f s = %.0f msgs/s (2 publishers, batches of 500, no database)%n",
                    n, secs, n / secs);
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
        String sql = """
                INSERT INTO outbox (event_id, aggregate_id, aggregate_version, event_type, routing_key, correlation_id, envelope)
                VALUES (?::uuid, ?, ?, 'PatientCheckedIn', 'PatientCheckedIn', 'bench', jsonb_build_object(
                  'eventId', ?::text, 'aggregateId', ?::text, 'aggregateType', 'WaitingQueue', 'version', ?::bigint,
                  'eventType', 'PatientCheckedIn', 'schemaVersion', 1, 'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                  'correlationId', 'bench', 'payload', jsonb_build_object('queueId', ?::text)))""";
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
                        insert.setString(4, id); insert.setString(5, aggId); insert.setLong(6, 1); insert.setString(7, aggId);
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
wait_dispatched() { # $1 = expected dispatched rows, $2 = timeout s
  for _ in $(seq 1 $(( $2 * 2 ))); do
    [[ $(psql_db -c "SELECT count(*) FROM outbox WHERE status = 'dispatched'") -ge $1 ]] && return 0
    sleep 0.5
  done
  echo "TIMED OUT waiting for $1 dispatched rows"
}
# BENCH_TRACE: the trace context api-service stores with each row (phases 1 and 2): none (rows written
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
fill() { # $1 = rows, $2 = aggregates, $3 = aggregate prefix
  psql_db -c "
    INSERT INTO outbox (event_id, aggregate_id, aggregate_version, event_type, routing_key, correlation_id, envelope$TRACE_COLUMN)
    SELECT id, agg, ver, 'PatientCheckedIn', 'PatientCheckedIn', 'bench', jsonb_build_object(
             'eventId', id, 'aggregateId', agg, 'aggregateType', 'WaitingQueue', 'version', ver,
             'eventType', 'PatientCheckedIn', 'schemaVersion', 1, 'occurredAt', '2026-01-01T00:00:00Z',
             'correlationId', 'bench', 'payload', jsonb_build_object('queueId', agg, 'patientId', 'p' || g))$TRACE_VALUE
    FROM (SELECT g, gen_random_uuid() AS id, '$3' || (g % $2) AS agg, (g / $2) + 1 AS ver
          FROM generate_series(0, $1 - 1) g) s"
}
rate_from_db() { # rows dispatched per second between the first and last dispatch of aggregates like $1
  psql_db -c "SELECT count(*) || ' rows in ' || round(extract(epoch FROM max(dispatched_at) - min(dispatched_at))::numeric, 2)
                || ' s = ' || round(count(*) / greatest(extract(epoch FROM max(dispatched_at) - min(dispatched_at)), 0.001))
                || ' msgs/s (relay, confirmed + marked dispatched)'
              FROM outbox WHERE aggregate_id LIKE '$1%'"
}

echo "== outbox-worker benchmark ($(nproc) cores, shared; $(date -u +%H:%M:%SZ); load average $(cut -d' ' -f1-3 /proc/loadavg); trace context: ${BENCH_TRACE:-none}) =="
psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB OWNER waitingroom"
java -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -cp "$CP:$WORK" OutboxBench setup "$EXCHANGE" "$QUEUE"
start_worker false   # runs the migrations only
stop_worker

echo "-- 0. broker ceiling: $ROWS messages published straight to RabbitMQ (same queue and consumer, no relay)"
java -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -cp "$CP:$WORK" OutboxBench consume "$QUEUE" "$ROWS" 180 &
CONSUMER=$!
ceiling=$(java -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -cp "$CP:$WORK" OutboxBench ceiling "$EXCHANGE" "$ROWS")
wait "$CONSUMER" || true
echo "$ceiling"

echo "-- 1. throughput: $ROWS rows over 1000 aggregates, relay started on a full outbox"
fill "$ROWS" 1000 "tp-"
java -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -cp "$CP:$WORK" OutboxBench consume "$QUEUE" "$ROWS" 180 &
CONSUMER=$!
start_worker true
wait_dispatched "$ROWS" 180
wait "$CONSUMER" || true
rate_from_db "tp-"

echo "-- 2. hot aggregate: $HOT_ROWS rows of one aggregate"
java -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -cp "$CP:$WORK" OutboxBench consume "$QUEUE" "$HOT_ROWS" 120 &
CONSUMER=$!
fill "$HOT_ROWS" 1 "hot-"
wait_dispatched $(( ROWS + HOT_ROWS )) 120
wait "$CONSUMER" || true
rate_from_db "hot-"

echo "-- 3. latency at a steady $RATE events/s for $SECONDS_STEADY s (1 event per transaction)"
relay_ticks_before=$(proc_ticks "$WORKER_PID")
java -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -cp "$CP:$WORK" OutboxBench latency "jdbc:postgresql://$PG_HOST:$PG_PORT/$DB" "$QUEUE" "$RATE" "$SECONDS_STEADY"
relay_ticks=$(( $(proc_ticks "$WORKER_PID") - relay_ticks_before ))
awk -v t="$relay_ticks" -v n=$(( RATE * SECONDS_STEADY )) -v hz="$(getconf CLK_TCK)" \
  'BEGIN { printf "relay JVM CPU during the latency phase: %.0f us per message (%.0f%% of one core)\n", 1e6 * t / hz / n, 100 * t / hz / (n / '"$RATE"') }'
curl -fs "http://127.0.0.1:$MANAGEMENT/q/metrics" | grep -E '^outbox_(dispatched_total|publish_failures_total|dead_transitions_total) ' || true
echo "admin counts: $(curl -fsS -H "Authorization: Bearer $(admin_token)" "http://127.0.0.1:$PORT/admin/outbox/counts" || echo FAILED)"
stop_worker
echo "== done =="
