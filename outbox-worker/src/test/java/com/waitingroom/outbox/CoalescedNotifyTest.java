package com.waitingroom.outbox;

import com.waitingroom.outbox.config.OutboxConfig;
import com.waitingroom.outbox.messaging.OutboxRelay;
import com.waitingroom.outbox.messaging.RabbitConnector;
import com.waitingroom.outbox.messaging.RelayEngine;
import com.waitingroom.outbox.messaging.RelayMetrics;
import com.waitingroom.outbox.store.OutboxNotificationListener;
import com.waitingroom.testsupport.LocalInfra;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coalesced outbox NOTIFY (V2 migration + the leader's sleep handshake). The application's own
 * relay is off: the relays under test wait 10 minutes between safety polls, so a row is only
 * delivered in time if a NOTIFY or the handshake's final claim picks it up.
 */
@QuarkusTest
@TestProfile(ApplicationRelayOff.class)
@QuarkusTestResource(OutboxTestInfra.class)
class CoalescedNotifyTest {

    private static final Duration NO_SAFETY_POLL = Duration.ofMinutes(10);
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final Duration STRADDLE_LINGER = Duration.ofMillis(50);

    @Inject
    OutboxConfig config;

    @Inject
    AgroalDataSource dataSource;

    private final List<RelayEngine> engines = new ArrayList<>();

    @AfterEach
    void stopRelays() {
        engines.forEach(RelayEngine::close);
        engines.clear();
    }

    @Test
    void writersNotifyOnlyWhileARelayIsAsleepOrFallingAsleep() throws Exception {
        try (Connection listener = TestOutbox.connect();
             Connection relay = TestOutbox.connect();
             Connection longWriter = TestOutbox.connect()) {
            listen(listener);
            String queueId = "trigger-" + UUID.randomUUID();

            TestOutbox.commit(List.of(TestOutbox.checkIn(queueId, 1)));
            assertEquals(0, notificationsSince(listener), "no relay asleep: the writer skips its NOTIFY");

            lockAsleep(relay, "pg_advisory_lock");
            TestOutbox.commit(List.of(TestOutbox.checkIn(queueId, 2)));
            assertEquals(1, notificationsSince(listener), "relay asleep: the writer notifies");
            lockAsleep(relay, "pg_advisory_unlock");

            // A writer that skipped its NOTIFY holds the lock shared until it commits ...
            longWriter.setAutoCommit(false);
            TestOutbox.append(longWriter, List.of(TestOutbox.checkIn(queueId, 3)));
            ExecutorService fallingAsleep = Executors.newSingleThreadExecutor();
            Future<?> asleep = fallingAsleep.submit(() -> {
                lockAsleep(relay, "pg_advisory_lock");
                return null;
            });
            // ... so a relay falling asleep waits for it, and meanwhile every new writer notifies.
            await().atMost(DELIVERY).until(() -> TestOutbox.count("""
                    SELECT count(*) FROM pg_locks
                    WHERE locktype = 'advisory' AND NOT granted AND mode = 'ExclusiveLock'
                      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND classid::bigint = %1$d >> 32 AND objid::bigint = %1$d & 4294967295"""
                    .formatted(OutboxNotificationListener.RELAY_ASLEEP_LOCK)) == 1);
            TestOutbox.commit(List.of(TestOutbox.checkIn(queueId, 4)));
            assertEquals(1, notificationsSince(listener), "relay falling asleep: the writer notifies");
            assertTrue(!asleep.isDone(), "the relay cannot fall asleep before the skipping writer committed");
            longWriter.commit();
            asleep.get(30, TimeUnit.SECONDS);
            fallingAsleep.shutdown();
            lockAsleep(relay, "pg_advisory_unlock");
        }
    }

    @Test
    void aNotifyWakesTheAsleepLeader() throws Exception {
        RelayEngine relay = startRelay("asleep");
        String queueId = "wake-" + UUID.randomUUID();
        try (TestConsumer consumer = new TestConsumer("#")) {
            await().atMost(DELIVERY).until(relay::isAsleep);
            TestOutbox.commit(List.of(TestOutbox.checkIn(queueId, 1)));
            await().atMost(DELIVERY).until(() -> consumer.forAggregates(Set.of(queueId)).size() == 1);
            await().atMost(DELIVERY).until(relay::isAsleep); // and it falls asleep again afterwards
            TestOutbox.commit(List.of(TestOutbox.checkIn(queueId, 2)));
            await().atMost(DELIVERY).until(() -> consumer.forAggregates(Set.of(queueId)).size() == 2);
        }
    }

    /**
     * Writers whose transactions straddle the relay's fall-asleep transition: each wave wakes the
     * asleep relay with one row, then writers insert while it is awake (so they skip their NOTIFY)
     * and commit after its linger ran out, while it queues for the asleep lock. Only the
     * handshake's final claim picks their rows up before the next (10 minute) safety poll.
     */
    @Test
    void noRowIsMissedByWritersStraddlingTheFallAsleepTransition() throws Exception {
        RelayEngine relay = startRelay("straddled");
        int waves = 20;
        int writersPerWave = 5;
        ExecutorService writers = Executors.newFixedThreadPool(writersPerWave);
        try (TestConsumer consumer = new TestConsumer("#")) {
            for (int wave = 0; wave < waves; wave++) {
                await().atMost(DELIVERY).until(relay::isAsleep);
                String waker = "waker-" + wave + "-" + UUID.randomUUID();
                TestOutbox.commit(List.of(TestOutbox.checkIn(waker, 1)));
                // Delivered: the relay is awake for its linger time (unless this thread is slower).
                await().atMost(DELIVERY).pollInterval(Duration.ofMillis(1))
                        .until(() -> consumer.forAggregates(Set.of(waker)).size() == 1);
                Set<String> queueIds = new HashSet<>(Set.of(waker));
                List<Future<?>> committed = new ArrayList<>();
                for (int w = 0; w < writersPerWave; w++) {
                    String queueId = "straddle-" + wave + "-" + w + "-" + UUID.randomUUID();
                    queueIds.add(queueId);
                    committed.add(writers.submit(() -> {
                        try (Connection connection = TestOutbox.connect()) {
                            connection.setAutoCommit(false);
                            TestOutbox.append(connection, List.of(TestOutbox.checkIn(queueId, 1)));
                            Thread.sleep(STRADDLE_LINGER.toMillis() + ThreadLocalRandom.current().nextInt(10, 60));
                            connection.commit();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : committed) {
                    f.get(60, TimeUnit.SECONDS);
                }
                await("wave " + wave).atMost(DELIVERY)
                        .until(() -> consumer.forAggregates(queueIds).size() == queueIds.size());
            }
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void aFollowerTakesOverWhenTheLeaderStops() throws Exception {
        RelayEngine first = startRelay("first");
        RelayEngine second = startRelay("second");
        await().atMost(DELIVERY).until(() -> first.isLeader() || second.isLeader());
        assertTrue(!(first.isLeader() && second.isLeader()), "one leader at a time");
        RelayEngine leader = first.isLeader() ? first : second;
        RelayEngine follower = leader == first ? second : first;
        leader.close();
        engines.remove(leader);
        await().atMost(DELIVERY).until(() -> follower.isLeader() && follower.isAsleep());
        String queueId = "takeover-" + UUID.randomUUID();
        try (TestConsumer consumer = new TestConsumer("#")) {
            TestOutbox.commit(List.of(TestOutbox.checkIn(queueId, 1)));
            await().atMost(DELIVERY).until(() -> consumer.forAggregates(Set.of(queueId)).size() == 1);
        }
    }

    private RelayEngine startRelay(String name) {
        RelayEngine.Settings defaults = OutboxRelay.settingsOf(config);
        RelayEngine.Settings settings = new RelayEngine.Settings(defaults.batchSize(), defaults.workers(),
                NO_SAFETY_POLL, STRADDLE_LINGER, Duration.ofMillis(2), defaults.confirmTimeout(),
                defaults.mandatory(), defaults.maxAttempts(), defaults.rowBackoff(), defaults.outageBackoff(),
                defaults.pipelineDepth());
        RabbitConnector connector = new RabbitConnector(LocalInfra.rabbitHost(), LocalInfra.rabbitPort(),
                LocalInfra.rabbitUser(), LocalInfra.rabbitPassword(), "/", OutboxTestInfra.EXCHANGE);
        RelayEngine engine = new RelayEngine(name, dataSource, connector, settings,
                new RelayMetrics(new SimpleMeterRegistry()));
        engines.add(engine);
        engine.start();
        return engine;
    }

    private static void listen(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + OutboxNotificationListener.CHANNEL);
        }
    }

    /**
     * Notifications received since the last call. Deterministic: a NOTIFY is signalled to the
     * listeners before the writer's commit returns, and PostgreSQL delivers pending notifications
     * before it answers the listener's next query.
     */
    private static int notificationsSince(Connection listener) throws SQLException {
        try (Statement statement = listener.createStatement()) {
            statement.execute("SELECT 1");
        }
        PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications();
        return notifications == null ? 0 : notifications.length;
    }

    private static void lockAsleep(Connection relay, String function) throws SQLException {
        try (Statement statement = relay.createStatement()) {
            statement.execute("SELECT " + function + "(" + OutboxNotificationListener.RELAY_ASLEEP_LOCK + ")");
        }
    }
}
