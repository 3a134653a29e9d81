package com.waitingroom.projection;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Priority;
import com.waitingroom.kernel.Routing;
import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.messaging.ApplyListener;
import com.waitingroom.projection.messaging.ConnectorConsumer;
import com.waitingroom.projection.messaging.ConsumerLifecycle;
import com.waitingroom.projection.messaging.ProjectionConsumer;
import com.waitingroom.projection.store.IncomingEvent;
import com.waitingroom.projection.store.LiveProjection;
import com.waitingroom.testsupport.LocalInfra;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.connector.InboundConnector;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static com.waitingroom.projection.Api.viewer;

/**
 * Benchmark, not a test (no assertions on timings; excluded from the default surefire includes).
 * Run through bench/projection-worker.sh. Prints BENCH lines:
 * 1. apply throughput: a backlog of bench.events events is published to a separate queue first,
 *    then a consumer is started on it and the time until every event is committed is measured;
 *    unmeasured passes (bench.warmup-events each) run first until the JIT compiler threads are
 *    nearly idle (at most bench.max-warmups): after one pass they still used ~60 % of a core,
 *    a third of what the machine has;
 * 2. lag at a fixed rate: bench.rate events/s for bench.seconds to a bench exchange and queue,
 *    consumed like the live queue; publish -> commit per event as the consumer sees it, and
 *    GET /api/metrics/lag over that window (occurred -> applied row). The relay stage is not involved.
 * bench.transports (default "direct,connector") names the consumers measured, one pass of each in
 * turn: "direct" is the service's own ProjectionConsumer on the RabbitMQ client, "connector" the same
 * decoding and batch apply on SmallRye Reactive Messaging's RabbitMQ connector (ConnectorConsumer).
 * Each pass also prints this JVM's CPU time per event (consumer, decoding, JDBC; not the broker's or
 * PostgreSQL's).
 * Both consumers connect to RabbitMQ directly (the service's own consumer goes through the tests'
 * TcpProxy) and use the service's prefetch and batch size; bench/projection-worker.sh also points
 * the service's pool straight at PostgreSQL (ProjectionTestInfra.DIRECT_DATABASE), as measured before.
 */
@QuarkusTest
@QuarkusTestResource(value = ProjectionTestInfra.class, restrictToAnnotatedClass = false)
class ProjectionBenchmark {

    private static final EventCodec CODEC = EventCodec.standard();
    private static final String LAG_EXCHANGE = "projection-bench.events";
    private static final String LAG_QUEUE = ProjectionTestInfra.QUEUE + ".bench-lag";

    @Inject
    LiveProjection projection;
    @Inject
    ProjectionConfig config;
    @Inject
    @Connector("smallrye-rabbitmq")
    InboundConnector rabbitConnector;

    /** A consumer under test: the service's own, or the connector-based one. */
    private interface BenchConsumer extends AutoCloseable {
        void start();

        boolean isConsuming();

        @Override
        void close();
    }

    private BenchConsumer consumer(String transport, ProjectionConsumer.Settings settings, ApplyListener listener) {
        if (transport.equals("connector")) {
            ConnectorConsumer consumer = new ConnectorConsumer(rabbitConnector, settings, projection::apply, listener);
            return new BenchConsumer() {
                public void start() { consumer.start(); }
                public boolean isConsuming() { return consumer.isConsuming(); }
                public void close() { consumer.close(); }
            };
        }
        ProjectionConsumer consumer = new ProjectionConsumer(settings, projection::apply, projection::park, listener);
        return new BenchConsumer() {
            public void start() { consumer.start(); }
            public boolean isConsuming() { return consumer.isConsuming(); }
            public void close() { consumer.close(); }
        };
    }

    /** CPU time of this JVM so far, in ns. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Test
    void run() throws Exception {
        int events = Integer.getInteger("bench.events", 30_000);
        int rate = Integer.getInteger("bench.rate", 1_000);
        int seconds = Integer.getInteger("bench.seconds", 10);
        // Unmeasured passes first, until the compilers are (nearly) done: a JIT still compiling on
        // these 2 cores costs a measured run far more than the projection itself.
        int warmupEvents = Integer.getInteger("bench.warmup-events", events);
        int maxWarmups = Integer.getInteger("bench.max-warmups", 8);
        List<String> transports = List.of(System.getProperty("bench.transports", "direct,connector").split(","));
        for (int pass = 1; pass <= maxWarmups; pass++) {
            double jit = 0;
            for (String transport : transports) {
                jit = Math.max(jit, throughput(transport, warmupEvents, "warm-up pass " + pass + " (not the figure)"));
            }
            if (jit < 0.05) {
                break;
            }
        }
        int rounds = Integer.getInteger("bench.rounds", 3);
        for (int round = 1; round <= rounds; round++) {
            for (String transport : transports) {
                throughput(transport, events, "apply throughput");
            }
        }
        for (String transport : transports) {
            lagAtRate(transport, rate, seconds);
        }
    }

    /**
     * CPU time of this JVM's JIT compiler threads so far, in ms (Linux /proc; 0 elsewhere, which
     * ends the warm-up after one pass).
     */
    private static long jitCpuMillis() {
        long ticks = 0;
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return 0;
        }
        for (java.io.File task : tasks) {
            try {
                if (!java.nio.file.Files.readString(task.toPath().resolve("comm")).contains("Compiler")) {
                    continue;
                }
                String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
            } catch (java.io.IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return ticks * 10; // USER_HZ is 100 on Linux
    }

    /** Runs one pass and returns the share of a core the JIT compilers used during its apply phase. */
    private double throughput(String transport, int total, String label) throws Exception {
        label = transport + " " + label;
        String backlogQueue = ProjectionTestInfra.QUEUE + ".bench-backlog";
        int perQueue = 100;
        try (Connection connection = TestEvents.rabbit(); Channel channel = connection.createChannel()) {
            channel.queueDelete(backlogQueue);
            channel.queueDeclare(backlogQueue, true, false, false, null);
            channel.confirmSelect();
            long publishStart = System.nanoTime();
            int published = 0;
            for (int q = 0; published < total; q++) {
                TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("bench")).created();
                for (int p = 1; p < perQueue; p++) {
                    stream.checkIn("P-" + p, "Patient " + p, Priority.values()[p % 4]);
                }
                for (EventEnvelope envelope : stream.events) {
                    if (published == total) {
                        break;
                    }
                    channel.basicPublish("", backlogQueue, properties(envelope, System.currentTimeMillis()),
                            CODEC.encode(envelope));
                    published++;
                }
                channel.waitForConfirmsOrDie(30_000);
            }
            System.out.printf("BENCH %s: backlog of %d events published in %.1f s%n", label, total,
                    (System.nanoTime() - publishStart) / 1e9);
        }
        AtomicLong applied = new AtomicLong();
        AtomicLong finishedAt = new AtomicLong();
        ApplyListener counting = (outcome, committedAt) -> {
            if (applied.addAndGet(outcome.applied().size()) >= total) {
                finishedAt.compareAndSet(0, System.nanoTime());
            }
        };
        ProjectionConsumer.Settings settings = directSettings("projection-bench.unused", backlogQueue);
        long start = System.nanoTime();
        long jitBefore = jitCpuMillis();
        long cpuBefore = processCpuNanos();
        long cpuAfter;
        try (BenchConsumer consumer = consumer(transport, settings, counting)) {
            consumer.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (finishedAt.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            cpuAfter = processCpuNanos();
        }
        long end = finishedAt.get() == 0 ? System.nanoTime() : finishedAt.get();
        double elapsed = (end - start) / 1e9;
        double jitShare = (jitCpuMillis() - jitBefore) / 1000.0 / ((System.nanoTime() - start) / 1e9);
        System.out.printf("BENCH %s: %d events applied in %.2f s = %.0f events/s, JVM CPU %.1f us/event (batch %d,"
                        + " prefetch %d; JIT compiler threads meanwhile %.0f %% of a core)%n", label, applied.get(),
                elapsed, applied.get() / elapsed, (cpuAfter - cpuBefore) / 1e3 / Math.max(1, applied.get()),
                settings.batchSize(), settings.prefetch(), jitShare * 100);
        try (Connection connection = TestEvents.rabbit(); Channel channel = connection.createChannel()) {
            channel.queueDelete(backlogQueue);
            channel.exchangeDelete("projection-bench.unused");
        }
        return jitShare;
    }

    private void lagAtRate(String transport, int rate, int seconds) throws Exception {
        int queues = 50;
        List<TestEvents.Stream> streams = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            streams.add(new TestEvents.Stream(TestEvents.newQueueId("benchlag")));
        }
        List<Long> lagMillis = Collections.synchronizedList(new ArrayList<>());
        ApplyListener lagRecorder = (outcome, committedAt) -> {
            for (IncomingEvent event : outcome.applied()) {
                lagMillis.add(committedAt.toEpochMilli() - event.publishedAt().toEpochMilli());
            }
        };
        long total = (long) rate * seconds;
        ProjectionConsumer.Settings settings = directSettings(LAG_EXCHANGE, LAG_QUEUE);
        Instant from = Instant.now();
        long cpuBefore = processCpuNanos();
        try (BenchConsumer consumer = consumer(transport, settings, lagRecorder);
             Connection connection = TestEvents.rabbit(); Channel channel = connection.createChannel()) {
            channel.queueDelete(LAG_QUEUE);
            consumer.start();
            while (!consumer.isConsuming() || !hasConsumer(LAG_QUEUE)) {
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            for (long i = 0; i < total; i++) {
                // Pace: event i is due at start + i/rate.
                long due = start + i * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                TestEvents.Stream stream = streams.get((int) (i % queues));
                long now = System.currentTimeMillis();
                EventEnvelope envelope;
                if (stream.events.isEmpty()) {
                    stream.created();
                } else {
                    stream.checkIn("P-" + stream.events.size(), "Patient", Priority.MEDIUM);
                }
                envelope = stream.events.get(stream.events.size() - 1);
                // Re-stamp occurred-at to the send time: this phase measures publish -> applied.
                EventEnvelope stamped = new EventEnvelope(envelope.eventId(), envelope.aggregateId(),
                        envelope.aggregateType(), envelope.version(), envelope.eventType(), envelope.schemaVersion(),
                        Instant.ofEpochMilli(now), envelope.correlationId(), null, "bench", envelope.payload());
                channel.basicPublish(LAG_EXCHANGE, Routing.routingKey(stamped.eventType()),
                        properties(stamped, now), CODEC.encode(stamped));
            }
            double sent = (System.nanoTime() - start) / 1e9;
            System.out.printf("BENCH %s lag phase: sent %d events in %.1f s (%.0f/s target %d/s)%n", transport, total,
                    sent, total / sent, rate);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (lagMillis.size() < total && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (lagMillis.size() < total) {
                // Say where the missing events are instead of only printing a smaller count.
                long ready = channel.queueDeclarePassive(LAG_QUEUE).getMessageCount();
                long parked;
                try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
                     var rs = db.createStatement().executeQuery("SELECT count(*) FROM projection.parked_events")) {
                    rs.next();
                    parked = rs.getLong(1);
                }
                System.out.printf("BENCH lag phase INCOMPLETE after 30 s: %d of %d applied; broker queue ready %d,"
                                + " parked %d, consumer subscribed %s%n", lagMillis.size(), total, ready, parked,
                        consumer.isConsuming());
            }
        } finally {
            try (Connection connection = TestEvents.rabbit(); Channel channel = connection.createChannel()) {
                channel.queueDelete(LAG_QUEUE);
                channel.exchangeDelete(LAG_EXCHANGE);
            }
        }
        List<Long> sorted = new ArrayList<>(lagMillis);
        Collections.sort(sorted);
        System.out.printf("BENCH %s lag at %d events/s (publish -> commit, consumer clock): count=%d p50=%d ms p95=%d ms"
                        + " p99=%d ms max=%d ms; JVM CPU incl. the publisher %.1f us/event%n", transport, rate, sorted.size(), percentile(sorted, 0.50),
                percentile(sorted, 0.95), percentile(sorted, 0.99), sorted.get(sorted.size() - 1),
                (processCpuNanos() - cpuBefore) / 1e3 / Math.max(1, sorted.size()));
        JsonPath lag = viewer().queryParam("from", from.toString()).queryParam("to", Instant.now().toString())
                .get("/api/metrics/lag").then().statusCode(200).extract().jsonPath();
        System.out.printf("BENCH %s lag at %d events/s (occurred -> applied row, /api/metrics/lag): count=%d p50=%s ms"
                        + " p95=%s ms p99=%s ms max=%s ms%n", transport, rate, lag.getLong("count"), lag.getString("p50Millis"), lag.getString("p95Millis"),
                lag.getString("p99Millis"), lag.getString("maxMillis"));
    }

    /** True once the broker has a consumer on the queue (the connector declares it asynchronously). */
    private static boolean hasConsumer(String queue) throws Exception {
        try (Connection connection = TestEvents.rabbit(); Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getConsumerCount() > 0;
        } catch (java.io.IOException notDeclaredYet) {
            return false;
        }
    }

    private static long percentile(List<Long> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }

    private ProjectionConsumer.Settings directSettings(String exchange, String queue) {
        ProjectionConsumer.Settings main = ConsumerLifecycle.settings(config);
        return new ProjectionConsumer.Settings(LocalInfra.rabbitHost(), LocalInfra.rabbitPort(), main.username(),
                main.password(), exchange, queue, main.deadLetterExchange(), main.prefetch(), main.batchSize(),
                main.maxAttempts());
    }

    private static AMQP.BasicProperties properties(EventEnvelope envelope, long publishedAt) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(Routing.Headers.AGGREGATE_ID, envelope.aggregateId());
        headers.put(Routing.Headers.AGGREGATE_VERSION, envelope.version());
        headers.put(Routing.Headers.EVENT_TYPE, envelope.eventType());
        headers.put(Routing.Headers.OCCURRED_AT, envelope.occurredAt().toEpochMilli());
        headers.put(Routing.Headers.PUBLISHED_AT, publishedAt);
        return new AMQP.BasicProperties.Builder().contentType(Routing.CONTENT_TYPE).deliveryMode(2)
                .messageId(envelope.eventId().toString()).type(envelope.eventType()).headers(headers).build();
    }
}
