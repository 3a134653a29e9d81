package com.waitingroom.outbox;

import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.outbox.config.OutboxConfig;
import com.waitingroom.outbox.messaging.OutboxRelay;
import com.waitingroom.outbox.messaging.RabbitConnector;
import com.waitingroom.outbox.messaging.RelayEngine;
import com.waitingroom.outbox.messaging.RelayMetrics;
import com.waitingroom.outbox.store.OutboxMaintenance;
import com.waitingroom.outbox.store.RelayStore;
import com.waitingroom.testsupport.LocalInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's guarantees that need the application's own beans (a second in-process replica built from
 * the same configuration, the clean-up run on demand); the others are in {@link RelayGuaranteesTest},
 * which also runs against the packaged app.
 */
@QuarkusTest
@QuarkusTestResource(OutboxTestInfra.class)
class RelayReliabilityTest {

    @Inject
    OutboxConfig config;

    @Inject
    OutboxMaintenance maintenance;

    @Test
    void twoReplicasPublishEveryRowOnceInPerAggregateOrder() throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(LocalInfra.jdbcUrl(OutboxTestInfra.DATABASE));
        dataSource.setUser(LocalInfra.pgUser());
        dataSource.setPassword(LocalInfra.pgPassword());
        // A second, independent replica: own connections to PostgreSQL and RabbitMQ, own metrics.
        RabbitConnector connector = new RabbitConnector(LocalInfra.rabbitHost(), LocalInfra.rabbitPort(),
                LocalInfra.rabbitUser(), LocalInfra.rabbitPassword(), "/", OutboxTestInfra.EXCHANGE);
        SimpleMeterRegistry secondRegistry = new SimpleMeterRegistry();
        RelayEngine second = new RelayEngine("replica-2", dataSource, connector, OutboxRelay.settingsOf(config),
                new RelayMetrics(secondRegistry));
        int aggregates = 12;
        int versions = 60;
        List<String> queueIds = new ArrayList<>();
        for (int i = 0; i < aggregates; i++) {
            queueIds.add("replicas-" + i + "-" + UUID.randomUUID());
        }
        try (TestConsumer consumer = new TestConsumer("#")) {
            second.start();
            // 4 writers, each owning 3 aggregates, one transaction per version step.
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                List<String> mine = queueIds.subList(w * 3, w * 3 + 3);
                done.add(writers.submit(() -> {
                    for (long v = 1; v <= versions; v++) {
                        List<EventEnvelope> batch = new ArrayList<>();
                        for (String queueId : mine) {
                            batch.add(TestOutbox.checkIn(queueId, v));
                        }
                        TestOutbox.commit(batch);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            writers.shutdown();
            Set<String> ids = new HashSet<>(queueIds);
            int expected = aggregates * versions;
            await().atMost(Duration.ofSeconds(60)).until(() -> consumer.forAggregates(ids).size() >= expected);
            Thread.sleep(500); // a duplicate would arrive right behind the original
            List<TestConsumer.Received> received = consumer.forAggregates(ids);
            Set<String> messageIds = received.stream().map(r -> r.properties().getMessageId()).collect(Collectors.toSet());
            assertEquals(expected, received.size(), "no row published twice");
            assertEquals(expected, messageIds.size(), "every row published");
            Map<String, Long> lastVersion = new HashMap<>();
            for (TestConsumer.Received r : received) {
                long previous = lastVersion.getOrDefault(r.aggregateId(), 0L);
                assertEquals(previous + 1, r.version(), "per-aggregate order of " + r.aggregateId());
                lastVersion.put(r.aggregateId(), r.version());
            }
            double bySecond = secondRegistry.counter("outbox.dispatched").count();
            System.out.printf("two replicas: second replica dispatched %.0f of %d rows%n", bySecond, expected);
        } finally {
            second.close();
        }
    }

    @Test
    void cleanupDeletesOnlyRelayedRowsPastTheRetention() throws Exception {
        String queueId = "cleanup-" + UUID.randomUUID();
        List<Long> ids;
        try (Connection connection = TestOutbox.connect()) {
            connection.setAutoCommit(false);
            ids = TestOutbox.append(connection, List.of(TestOutbox.checkIn(queueId, 1), TestOutbox.checkIn(queueId, 2),
                    TestOutbox.checkIn(queueId, 3), TestOutbox.checkIn(queueId, 4), TestOutbox.checkIn(queueId, 5)));
            // 0 and 1: marked dispatched in the outbox by a relay from before V23 (2 days, 1 minute ago);
            // 2: dead, with a dispatched_at 2 days old (cleanup must go by status, not only by time)
            try (PreparedStatement age = connection.prepareStatement("""
                    UPDATE outbox SET status = CASE WHEN id = ? THEN 'dead' ELSE 'dispatched' END,
                           dispatched_at = CASE WHEN id = ? THEN now() - interval '1 minute'
                                                ELSE now() - interval '2 days' END
                    WHERE id = ANY (?)""")) {
                age.setLong(1, ids.get(2));
                age.setLong(2, ids.get(1));
                age.setArray(3, connection.createArrayOf("bigint", ids.subList(0, 3).toArray()));
                age.executeUpdate();
            }
            // 3 and 4: relayed (moved to the dispatched log), 2 days and 1 minute ago
            new RelayStore().markDispatched(connection, ids.subList(3, 5));
            try (PreparedStatement age = connection.prepareStatement(
                    "UPDATE outbox_dispatched SET dispatched_at = now() - interval '2 days' WHERE id = ?")) {
                age.setLong(1, ids.get(3));
                age.executeUpdate();
            }
            connection.commit();
        }
        assertTrue(maintenance.cleanUpNow() >= 2);
        assertEquals(null, TestOutbox.state(ids.get(0)), "old row marked dispatched deleted");
        assertEquals("dispatched", TestOutbox.state(ids.get(1)).status(), "recent row marked dispatched kept");
        assertEquals("dead", TestOutbox.state(ids.get(2)).status(), "dead rows are never cleaned up");
        assertEquals(null, TestOutbox.state(ids.get(3)), "old relayed row deleted");
        assertEquals("dispatched", TestOutbox.state(ids.get(4)).status(), "recent relayed row kept");
        assertFalse(config.cleanup().retention().isZero());
    }
}
