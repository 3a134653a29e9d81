package com.waitingroom.outbox.messaging;

import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.outbox.ApplicationRelayOff;
import com.waitingroom.outbox.OutboxTestInfra;
import com.waitingroom.outbox.TestConsumer;
import com.waitingroom.outbox.TestOutbox;
import com.waitingroom.outbox.config.OutboxConfig;
import com.waitingroom.outbox.store.RelayStore;
import com.waitingroom.testsupport.LocalInfra;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pipelining, batch by batch: the application's relay is off and the test drives a worker's two
 * halves ({@link BatchRelayer#start} while the previous batch awaits its confirms, then
 * {@link BatchRelayer#finish}) against the real PostgreSQL and RabbitMQ.
 */
@QuarkusTest
@TestProfile(ApplicationRelayOff.class)
@QuarkusTestResource(OutboxTestInfra.class)
class RelayPipelineTest {

    private static final int BATCH = 100; // OutboxTestInfra's batch size

    @Inject
    OutboxConfig config;

    @Inject
    AgroalDataSource dataSource;

    private RabbitConnector connector;
    private ConfirmingPublisher publisher;
    private BatchRelayer relayer;
    private final List<String> rejectQueues = new ArrayList<>();

    @BeforeEach
    void worker() throws Exception {
        TestOutbox.deleteAll(); // rows other tests left behind
        connector = new RabbitConnector(LocalInfra.rabbitHost(), LocalInfra.rabbitPort(), LocalInfra.rabbitUser(),
                LocalInfra.rabbitPassword(), "/", OutboxTestInfra.EXCHANGE);
        publisher = new ConfirmingPublisher(connector, false, config.confirmTimeout());
        relayer = new BatchRelayer(dataSource, OutboxRelay.settingsOf(config), new RelayMetrics(new SimpleMeterRegistry()),
                new PublishTracing(OpenTelemetry.noop().getTracer("test"), OutboxTestInfra.EXCHANGE), new RelayStore());
    }

    @AfterEach
    void close() throws Exception {
        publisher.close();
        connector.close();
        try (TestConsumer admin = new TestConsumer("no-such-key")) {
            for (String queue : rejectQueues) {
                admin.channel().queueDelete(queue);
            }
        }
    }

    @Test
    void theNextBatchCarriesTheSuccessorsOfTheBatchesInFlightAndOrderHolds() throws Exception {
        String a = "pipe-a-" + UUID.randomUUID();
        String b = "pipe-b-" + UUID.randomUUID();
        try (TestConsumer consumer = new TestConsumer("#")) {
            TestOutbox.commit(interleaved(a, b, 150)); // a1 b1 a2 b2 … : each batch holds both aggregates

            RelayBatch first = relayer.start(List.of(), publisher);
            assertEquals(BATCH, first.publishable.size());
            RelayBatch second = relayer.start(first, publisher);
            assertEquals(BATCH, second.publishable.size(), "versions 51-100 follow their in-flight predecessors");
            try (Connection other = dataSource.getConnection()) { // another worker or replica meanwhile
                other.setAutoCommit(false);
                RelayStore.Claim claim = new RelayStore().claim(other, BATCH);
                assertEquals(0, claim.rows().size(), "for anyone else the in-flight rows block their successors");
                assertTrue(claim.someBlocked());
                other.rollback();
            }
            RelayBatch third = relayer.start(List.of(first, second), publisher); // three deep
            assertEquals(BATCH, third.publishable.size(), "versions 101-150 follow both batches in flight");
            BatchRelayer.Outcome firstDone = relayer.finish(first, publisher, Set.of());
            BatchRelayer.Outcome secondDone = relayer.finish(second, publisher, firstDone.failedAggregates());
            BatchRelayer.Outcome thirdDone = relayer.finish(third, publisher, secondDone.failedAggregates());
            assertEquals(300, firstDone.confirmed() + secondDone.confirmed() + thirdDone.confirmed());

            await().atMost(Duration.ofSeconds(15)).until(() -> consumer.forAggregates(Set.of(a, b)).size() >= 300);
            Thread.sleep(300); // a duplicate would arrive right behind
            assertInOrderOnce(consumer.forAggregates(Set.of(a, b)), 300);
            assertEquals(300, TestOutbox.count("SELECT count(*) FROM outbox_dispatched"));
        }
    }

    @Test
    void aNackInTheBatchInFlightHoldsBackItsSuccessorsSentInTheNextBatch() throws Exception {
        String poisonType = "PipelineProbe";
        String rejectQueue = "outbox-worker.test.pipeline-reject-" + UUID.randomUUID();
        rejectQueues.add(rejectQueue);
        String poisoned = "pipe-poisoned-" + UUID.randomUUID();
        String healthy = "pipe-healthy-" + UUID.randomUUID();
        try (TestConsumer consumer = new TestConsumer("#")) {
            consumer.channel().queueDeclare(rejectQueue, false, false, true,
                    Map.of("x-max-length", 0, "x-overflow", "reject-publish", "x-expires", 60_000));
            consumer.channel().queueBind(rejectQueue, OutboxTestInfra.EXCHANGE, poisonType);
            List<EventEnvelope> events = interleaved(poisoned, healthy, 150);
            events.set(0, TestOutbox.probe(poisoned, 1, poisonType)); // refused by the broker (basic.nack)
            List<Long> ids = TestOutbox.commit(events);

            RelayBatch first = relayer.start(List.of(), publisher);
            RelayBatch second = relayer.start(first, publisher); // sent before the nack is known
            assertTrue(second.publishable.stream().anyMatch(row -> row.aggregateId().equals(poisoned)));
            BatchRelayer.Outcome firstDone = relayer.finish(first, publisher, Set.of());
            assertEquals(Set.of(poisoned), firstDone.failedAggregates());
            relayer.finish(second, publisher, firstDone.failedAggregates());

            TestOutbox.RowState refused = TestOutbox.state(ids.get(0));
            assertEquals("pending", refused.status());
            assertEquals(1, refused.attempts(), "the refused row costs one attempt");
            assertEquals(149, TestOutbox.count("SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 0"
                    + " AND aggregate_id = '" + poisoned + "'"), "its successors wait, no attempt counted");
            assertEquals(100, TestOutbox.count("SELECT count(*) FROM outbox_dispatched WHERE aggregate_id = '" + healthy + "'"),
                    "the other aggregate went on");

            // The cause is fixed; the relay (pipelined, as configured) delivers the rest in order.
            consumer.channel().queueDelete(rejectQueue);
            RelayEngine engine = engine("pipeline-test", OutboxRelay.settingsOf(config));
            try {
                engine.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> TestOutbox.count(
                        "SELECT count(*) FROM outbox WHERE status <> 'dispatched'") == 0);
            } finally {
                engine.close();
            }
            Thread.sleep(300);
            List<TestConsumer.Received> received = consumer.forAggregates(Set.of(poisoned));
            // At most the two batches in flight went out early: one early copy per row, no more.
            Map<Long, Integer> copies = new HashMap<>();
            received.forEach(r -> copies.merge(r.version(), 1, Integer::sum));
            assertEquals(150, copies.size(), "every row of the poisoned aggregate delivered");
            assertTrue(copies.values().stream().allMatch(n -> n <= 2), "duplicates bounded: " + copies);
            assertLastCopiesInOrder(received);
            assertInOrderOnce(consumer.forAggregates(Set.of(healthy)), 150);
        }
    }

    @Test
    void aBatchThatCannotBeCommittedTakesTheBatchesSentAfterItBackWithIt() throws Exception {
        String poisoned = "pipe-uncommittable-" + UUID.randomUUID();
        String healthy = "pipe-behind-" + UUID.randomUUID();
        RelayEngine.Settings threeDeep = oneWorkerThreeDeep();
        try (TestConsumer consumer = new TestConsumer("#"); Connection admin = TestOutbox.connect()) {
            // Moving the batch holding the poisoned aggregate's first row out of the outbox fails (as when the
            // database connection drops between the confirms and the commit) until the trigger is dropped.
            admin.createStatement().execute("""
                    CREATE OR REPLACE FUNCTION refuse_dispatch() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION 'test: this batch cannot be committed'; END $$""");
            admin.createStatement().execute("CREATE TRIGGER refuse_dispatch BEFORE DELETE ON outbox FOR EACH ROW"
                    + " WHEN (OLD.aggregate_id = '" + poisoned + "' AND OLD.aggregate_version = 1)"
                    + " EXECUTE FUNCTION refuse_dispatch()");
            RelayEngine engine = engine("uncommittable-test", threeDeep);
            try {
                TestOutbox.commit(interleaved(poisoned, healthy, 150)); // three full batches
                engine.start();
                // Batches sent behind the failing one are confirmed, but none may commit: later versions
                // of both aggregates would be marked dispatched before version 1 (the relay retries meanwhile).
                await().atMost(Duration.ofSeconds(10)).until(() -> consumer.forAggregates(Set.of(healthy)).stream()
                        .anyMatch(r -> r.version() > 50)); // the second batch went out behind the first
                Thread.sleep(2000);
                assertEquals(0, TestOutbox.count("SELECT count(*) FROM outbox_dispatched"),
                        "nothing is marked dispatched while the batch before it cannot commit");
                admin.createStatement().execute("DROP TRIGGER refuse_dispatch ON outbox");
                await().atMost(Duration.ofSeconds(30)).until(() -> TestOutbox.count(
                        "SELECT count(*) FROM outbox WHERE status <> 'dispatched'") == 0);
            } finally {
                engine.close();
                admin.createStatement().execute("DROP TRIGGER IF EXISTS refuse_dispatch ON outbox");
                admin.createStatement().execute("DROP FUNCTION IF EXISTS refuse_dispatch()");
            }
            Thread.sleep(300);
            for (String aggregate : List.of(poisoned, healthy)) {
                List<TestConsumer.Received> received = consumer.forAggregates(Set.of(aggregate));
                assertEquals(150, received.stream().map(TestConsumer.Received::version).distinct().count(),
                        "every version of " + aggregate + " delivered");
                assertLastCopiesInOrder(received);
            }
        }
    }

    @Test
    void aTableLockRequestedWhileBatchesAreInFlightIsGrantedAndTheRelayResumes() throws Exception {
        // A DDL-strength lock waits for the batches in flight; the worker's next claim queued behind it would wait
        // for ever (the batches in flight only end when the worker finishes them). The claim's lock timeout breaks it.
        String first = "pipe-locked-a-" + UUID.randomUUID();
        String second = "pipe-locked-b-" + UUID.randomUUID();
        RelayEngine.Settings threeDeep = oneWorkerThreeDeep();
        try (TestConsumer consumer = new TestConsumer("#"); Connection admin = TestOutbox.connect()) {
            RelayEngine engine = engine("locked-test", threeDeep);
            try {
                TestOutbox.commit(interleaved(first, second, 1000)); // twenty full batches
                engine.start();
                await().atMost(Duration.ofSeconds(15)).until(() -> consumer.forAggregates(Set.of(first)).size() > 100);
                admin.setAutoCommit(false);
                admin.createStatement().execute("SET LOCAL lock_timeout = '10s'"); // fails the test if it is not granted
                admin.createStatement().execute("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"); // as DROP TRIGGER, ALTER do
                admin.commit();
                admin.setAutoCommit(true);
                await().atMost(Duration.ofSeconds(60)).until(() -> TestOutbox.count(
                        "SELECT count(*) FROM outbox WHERE aggregate_id LIKE 'pipe-locked-%'") == 0);
            } finally {
                engine.close();
            }
            Thread.sleep(300);
            for (String aggregate : List.of(first, second)) {
                List<TestConsumer.Received> received = consumer.forAggregates(Set.of(aggregate));
                assertEquals(1000, received.stream().map(TestConsumer.Received::version).distinct().count(),
                        "every version of " + aggregate + " delivered");
                assertLastCopiesInOrder(received);
            }
        }
    }

    /** An engine on the test's database and broker, with its own metrics. */
    private RelayEngine engine(String name, RelayEngine.Settings settings) {
        return new RelayEngine(name, dataSource, connector, settings, new RelayMetrics(new SimpleMeterRegistry()));
    }

    /** The configured relay with one worker keeping up to three batches in flight. */
    private RelayEngine.Settings oneWorkerThreeDeep() {
        RelayEngine.Settings configured = OutboxRelay.settingsOf(config);
        return new RelayEngine.Settings(configured.batchSize(), 1, configured.safetyPoll(), configured.linger(),
                configured.lingerPoll(), configured.confirmTimeout(), configured.mandatory(), configured.maxAttempts(),
                configured.rowBackoff(), configured.outageBackoff(), 3);
    }

    private static List<EventEnvelope> interleaved(String a, String b, int versions) {
        List<EventEnvelope> events = new ArrayList<>();
        for (long v = 1; v <= versions; v++) {
            events.add(TestOutbox.checkIn(a, v));
            events.add(TestOutbox.checkIn(b, v));
        }
        return events;
    }

    private static void assertInOrderOnce(List<TestConsumer.Received> received, int expected) {
        assertEquals(expected, received.size(), "every row exactly once");
        Map<String, Long> last = new HashMap<>();
        for (TestConsumer.Received r : received) {
            long previous = last.getOrDefault(r.aggregateId(), 0L);
            assertEquals(previous + 1, r.version(), "per-aggregate order of " + r.aggregateId());
            last.put(r.aggregateId(), r.version());
        }
    }

    /** Each version's last copy arrives after the last copy of the version before it. */
    private static void assertLastCopiesInOrder(List<TestConsumer.Received> received) {
        Map<Long, Integer> lastIndex = new HashMap<>();
        for (int i = 0; i < received.size(); i++) {
            lastIndex.put(received.get(i).version(), i);
        }
        for (long v = 2; v <= lastIndex.size(); v++) {
            assertTrue(lastIndex.get(v) > lastIndex.get(v - 1), "last copy of v" + v + " after v" + (v - 1));
        }
    }
}
