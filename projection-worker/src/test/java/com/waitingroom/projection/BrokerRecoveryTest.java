package com.waitingroom.projection;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.Priority;
import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.TcpProxy;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.stream.LongStream;

import static com.waitingroom.projection.Api.management;
import static com.waitingroom.projection.Api.viewer;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19, item 5: the broker goes away under load (TcpProxy cut: every connection of the
 * service's consumer dropped, new ones refused; the shared RabbitMQ keeps running and keeps what
 * the test publishes straight to it) and comes back. Every event published before, during and after
 * the cut is applied exactly once, in per-aggregate order; recovery logs no ERROR (in particular
 * no "Caught an exception when recovering topology"); and the time from the restore to lag ≈ 0 is
 * measured and printed (bounded only generously: no timed assertion beyond 10 s).
 */
@QuarkusTest
class BrokerRecoveryTest {

    private static final int STREAMS = 16;
    private static final int EVENTS_PER_STREAM = 110;
    private static final long PUBLISH_EVERY_MICROS = 4_000; // 250 events/s: ~7 s in all
    private static final Duration CUT_AT = Duration.ofMillis(1_500);
    private static final Duration RESTORE_AT = Duration.ofMillis(5_000);
    /** "Lag ≈ 0": an event published after the restore is applied within this much of its publication. */
    private static final long CAUGHT_UP_LAG_MILLIS = 100;

    @Test
    void aBrokerCutUnderLoadIsRecoveredCleanlyAndEveryEventIsAppliedOnce() throws Exception {
        TcpProxy broker = ProjectionTestInfra.rabbitProxy();
        List<EventEnvelope> wire = interleavedStreams();
        long[] publishedAt = new long[wire.size()];
        AtomicInteger published = new AtomicInteger();
        AtomicReference<Exception> publishFailure = new AtomicReference<>();

        try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
             Connection rabbit = TestEvents.rabbit(); Channel direct = rabbit.createChannel();
             LogLines log = logAtOrAbove(Level.WARNING)) {
            spyOnApplications(db);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    management().get("/q/health/ready").then().statusCode(200));

            long start = System.nanoTime();
            Thread publisher = new Thread(() -> publishPaced(wire, start, publishedAt, published, publishFailure),
                    "recovery-test-publisher");
            publisher.start();
            sleepUntil(start, CUT_AT);
            broker.cut();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> management().get("/q/health/ready").then()
                    .statusCode(503).body("checks.find { it.name == 'rabbitmq-consumer' }.status", equalTo("DOWN")));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    direct.queueDeclarePassive(ProjectionTestInfra.QUEUE).getConsumerCount() == 0);
            sleepUntil(start, RESTORE_AT);
            broker.restore();
            long restoredAt = System.currentTimeMillis();
            int publishedBeforeRestore = published.get();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                    management().get("/q/health/ready").then().statusCode(200));
            long readyAfter = System.currentTimeMillis() - restoredAt;

            publisher.join(60_000);
            assertEquals(null, publishFailure.get(), "publisher failed");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                    applications(db).size() >= wire.size());
            Thread.sleep(500); // a late duplicate application would show up in the spy table by now

            List<Application> applied = applications(db);
            assertAppliedOnceInOrder(wire, applied);
            Recovery recovery = Recovery.of(wire, publishedAt, publishedBeforeRestore, restoredAt, applied);
            System.out.printf("RECOVERY broker cut %d ms, %d of %d events published during the cut;"
                            + " restore -> ready %d ms, -> cut backlog applied %d ms, -> lag ≈ 0 (< %d ms) %d ms;"
                            + " publish -> apply lag after that p50 %d ms, max %d ms%n",
                    RESTORE_AT.minus(CUT_AT).toMillis(), recovery.publishedDuringCut(), wire.size(), readyAfter,
                    recovery.backlogAppliedAfter(), CAUGHT_UP_LAG_MILLIS, recovery.caughtUpAfter(),
                    recovery.steadyLagP50(), recovery.steadyLagMax());
            assertTrue(recovery.publishedDuringCut() > 0, "nothing was published during the cut");
            assertTrue(recovery.caughtUpAfter() < 10_000, "caught up only " + recovery.caughtUpAfter() + " ms after");

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    direct.queueDeclarePassive(ProjectionTestInfra.QUEUE).getMessageCount() == 0);
            assertEquals(1, direct.queueDeclarePassive(ProjectionTestInfra.QUEUE).getConsumerCount(),
                    "exactly one consumer after recovery");
            assertEquals(0, direct.queueDeclarePassive(ProjectionTestInfra.QUEUE + ".dlq").getMessageCount());

            List<CapturedLog.Line> lines = log.lines();
            System.out.printf("RECOVERY log lines at WARN or above: %d%n", lines.size());
            lines.stream().limit(20).forEach(line -> System.out.println("RECOVERY   " + line));
            assertTrue(lines.stream().noneMatch(line -> line.text().contains("recovering topology")),
                    "topology recovery failed: " + lines);
            List<CapturedLog.Line> errors = lines.stream()
                    .filter(line -> line.level().intValue() >= Level.SEVERE.intValue())
                    .filter(line -> line.logger().startsWith("com.rabbitmq") || line.logger().startsWith("com.waitingroom"))
                    .toList();
            assertEquals(List.of(), errors, "a broker outage is not an error of the worker");
        } finally {
            broker.restore();
            try (java.sql.Connection db = LocalInfra.connect(ProjectionTestInfra.DATABASE);
                 Statement statement = db.createStatement()) {
                statement.execute("DROP TRIGGER IF EXISTS test_recovery_spy ON projection.applied_events");
            }
        }
    }

    /** The application's log: in-process here, its log file in {@link BrokerRecoveryIT}. */
    LogLines logAtOrAbove(Level threshold) {
        return CapturedLog.atOrAbove(threshold);
    }

    /** Streams of one queue creation and check-ins, interleaved on the wire as concurrent commands would be. */
    private static List<EventEnvelope> interleavedStreams() {
        List<TestEvents.Stream> streams = new ArrayList<>();
        for (int s = 0; s < STREAMS; s++) {
            TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("recovery")).created();
            for (int p = 1; p < EVENTS_PER_STREAM; p++) {
                stream.checkIn("P-" + p, "Patient " + p, Priority.values()[p % 4]);
            }
            streams.add(stream);
        }
        List<EventEnvelope> wire = new ArrayList<>();
        for (int v = 1; v <= EVENTS_PER_STREAM; v++) {
            for (TestEvents.Stream stream : streams) {
                wire.add(stream.version(v));
            }
        }
        return wire;
    }

    /** Publishes straight to the broker (not through the cut proxy), one event every PUBLISH_EVERY_MICROS. */
    private static void publishPaced(List<EventEnvelope> wire, long start, long[] publishedAt, AtomicInteger published,
                                     AtomicReference<Exception> failure) {
        try (TestEvents events = new TestEvents()) {
            for (int i = 0; i < wire.size(); i++) {
                long due = start + i * PUBLISH_EVERY_MICROS * 1_000;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                publishedAt[i] = System.currentTimeMillis();
                events.publish(wire.get(i));
                published.incrementAndGet();
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    private static void assertAppliedOnceInOrder(List<EventEnvelope> wire, List<Application> applied) {
        Map<String, List<Long>> versions = new HashMap<>();
        for (Application application : applied) {
            versions.computeIfAbsent(application.aggregateId(), k -> new ArrayList<>()).add(application.version());
        }
        List<Long> everyVersionOnceInOrder = LongStream.rangeClosed(1, EVENTS_PER_STREAM).boxed().toList();
        wire.stream().map(EventEnvelope::aggregateId).distinct().forEach(queueId -> {
            assertEquals(everyVersionOnceInOrder, versions.get(queueId), queueId);
            viewer().get("/api/waiting-rooms/{q}/queue", queueId).then().statusCode(200)
                    .body("version", equalTo(EVENTS_PER_STREAM));
        });
        assertEquals(wire.size(), applied.size(), "applications in all");
    }

    /**
     * Recovery figures from publish times (test clock) and apply times (the spy's clock_timestamp(),
     * same host). Caught up (lag ≈ 0) = the cut's backlog is applied and an event published after the
     * restore has been applied within CAUGHT_UP_LAG_MILLIS of its publication.
     */
    private record Recovery(int publishedDuringCut, long backlogAppliedAfter, long caughtUpAfter, long steadyLagP50,
                            long steadyLagMax) {

        static Recovery of(List<EventEnvelope> wire, long[] publishedAt, int publishedBeforeRestore, long restoredAt,
                           List<Application> applied) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < wire.size(); i++) {
                index.put(wire.get(i).aggregateId() + "/" + wire.get(i).version(), i);
            }
            long cutAt = restoredAt - RESTORE_AT.minus(CUT_AT).toMillis();
            int duringCut = 0;
            long backlogApplied = 0;
            for (Application application : applied) {
                int i = index.get(application.aggregateId() + "/" + application.version());
                if (i < publishedBeforeRestore) {
                    backlogApplied = Math.max(backlogApplied, application.appliedAt() - restoredAt);
                    duringCut += publishedAt[i] >= cutAt ? 1 : 0;
                }
            }
            long caughtUp = Long.MAX_VALUE;
            List<Long> steadyLags = new ArrayList<>();
            for (Application application : applied) {
                int i = index.get(application.aggregateId() + "/" + application.version());
                long sinceRestore = application.appliedAt() - restoredAt;
                long lag = application.appliedAt() - publishedAt[i];
                if (caughtUp == Long.MAX_VALUE && i >= publishedBeforeRestore && sinceRestore >= backlogApplied
                        && lag < CAUGHT_UP_LAG_MILLIS) {
                    caughtUp = sinceRestore;
                }
                if (sinceRestore > caughtUp) {
                    steadyLags.add(lag);
                }
            }
            steadyLags.sort(null);
            long p50 = steadyLags.isEmpty() ? -1 : steadyLags.get(steadyLags.size() / 2);
            long max = steadyLags.isEmpty() ? -1 : steadyLags.get(steadyLags.size() - 1);
            return new Recovery(duringCut, backlogApplied, caughtUp, p50, max);
        }
    }

    private record Application(String aggregateId, long version, long appliedAt) {
    }

    /**
     * Records every application of this test's events with its time: a BEFORE INSERT trigger on the
     * inbox fires even when ON CONFLICT would drop the row, so a second application shows.
     */
    private static void spyOnApplications(java.sql.Connection db) throws Exception {
        try (Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS public.test_recovery_applications (seq BIGSERIAL PRIMARY KEY,"
                    + " aggregate_id TEXT NOT NULL, version BIGINT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)");
            statement.execute("TRUNCATE public.test_recovery_applications");
            statement.execute("CREATE OR REPLACE FUNCTION public.test_record_recovery() RETURNS trigger"
                    + " LANGUAGE plpgsql AS $$ BEGIN IF NEW.aggregate_id LIKE 'recovery-%' THEN"
                    + " INSERT INTO public.test_recovery_applications (aggregate_id, version, applied_at)"
                    + " VALUES (NEW.aggregate_id, NEW.version, clock_timestamp()); END IF; RETURN NEW; END $$");
            statement.execute("DROP TRIGGER IF EXISTS test_recovery_spy ON projection.applied_events");
            statement.execute("CREATE TRIGGER test_recovery_spy BEFORE INSERT ON projection.applied_events"
                    + " FOR EACH ROW EXECUTE FUNCTION public.test_record_recovery()");
        }
    }

    /** Every application so far, in the order they happened. */
    private static List<Application> applications(java.sql.Connection db) throws Exception {
        List<Application> applied = new ArrayList<>();
        try (Statement statement = db.createStatement();
             ResultSet rs = statement.executeQuery("SELECT aggregate_id, version,"
                     + " (extract(epoch FROM applied_at) * 1000)::bigint FROM public.test_recovery_applications ORDER BY seq")) {
            while (rs.next()) {
                applied.add(new Application(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return applied;
    }

    private static void sleepUntil(long startNanos, Duration offset) throws InterruptedException {
        long wait = startNanos + offset.toNanos() - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
    }
}
