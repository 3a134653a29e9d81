package com.waitingroom.api.store;

import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.events.ConsultingRoomActivated;
import com.waitingroom.kernel.events.WaitingQueueCreated;
import com.waitingroom.testsupport.LocalInfra;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commands appended concurrently share commits, yet each one still succeeds or fails on its own. */
@QuarkusTest
class GroupCommitAppenderTest {

    private static final String DB = System.getenv().getOrDefault("PG_TEST_DB", "waitingroom_api_test");

    @Inject
    GroupCommitAppender appender;

    private static AppendBatch createQueue(String queueId, long version) {
        var event = version == 1 ? new WaitingQueueCreated(queueId, queueId, 10)
                : new ConsultingRoomActivated(queueId, "R" + version);
        return new AppendBatch(queueId, version - 1, List.of(EventCodec.standard().wrap(event, UUID.randomUUID(),
                version, Instant.now().truncatedTo(ChronoUnit.MICROS), "corr", "cause", "test")), null, null);
    }

    private static CompletableFuture<Void> start(Uni<Void> append) {
        return append.subscribeAsCompletionStage();
    }

    @Test
    void concurrentAppendsShareCommits() throws Exception {
        String prefix = "gc-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        // All enqueued before the first statements come back: those beyond the in-flight slots
        // wait and leave together in one statement.
        for (int i = 0; i < 20; i++) {
            appends.add(start(appender.append(createQueue(prefix + i, 1))));
        }
        for (CompletableFuture<Void> append : appends) {
            append.get();
        }
        Counts counts = counts(prefix);
        assertEquals(20, counts.events());
        assertEquals(20, counts.outbox());
        assertTrue(counts.largestCommit() > 1, "several commands shared one commit: " + counts);
    }

    @Test
    void aClashInsideAGroupFailsOnlyItsOwnCommand() throws Exception {
        String prefix = "gc-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<CompletableFuture<Void>> fine = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fine.add(start(appender.append(createQueue(prefix + i, 1))));
        }
        CompletableFuture<Void> first = start(appender.append(createQueue(prefix + "clash", 1)));
        CompletableFuture<Void> clashing = start(appender.append(createQueue(prefix + "clash", 1)));
        CompletableFuture<Void> after = start(appender.append(createQueue(prefix + "after", 1)));

        for (CompletableFuture<Void> future : fine) {
            future.get();
        }
        first.get();
        after.get();
        CompletionException failure = assertThrows(CompletionException.class, clashing::join);
        assertInstanceOf(VersionConflictException.class, failure.getCause());

        Counts counts = counts(prefix);
        assertEquals(22, counts.events(), "20 queues + clash winner + after");
        assertEquals(22, counts.outbox());
        // the appender is still healthy after the replayed group
        appender.append(createQueue(prefix + "clash", 2)).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void outboxIdsRiseWithVersionsPerAggregate() throws Exception {
        // The property outbox-worker's claim relies on (an earlier version never has a higher outbox id),
        // over grouped statements of several multi-event commands, in two rounds.
        String prefix = "gc-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        for (long from = 1; from <= 5; from += 4) {
            List<CompletableFuture<Void>> appends = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String queueId = prefix + i;
                List<com.waitingroom.kernel.EventEnvelope> events = new ArrayList<>();
                for (long version = from; version < from + 4; version++) {
                    events.addAll(createQueue(queueId, version).events());
                }
                appends.add(start(appender.append(new AppendBatch(queueId, from - 1, events, null, null))));
            }
            for (CompletableFuture<Void> append : appends) {
                append.get();
            }
        }
        try (Connection connection = LocalInfra.connect(DB);
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT count(*) FILTER (WHERE aggregate_version <> rank) AS out_of_order, count(*) AS total
                     FROM (SELECT aggregate_version, row_number() OVER (PARTITION BY aggregate_id ORDER BY id) AS rank
                           FROM outbox WHERE aggregate_id LIKE ? || '%') o""")) {
            statement.setString(1, prefix);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                assertEquals(80, rows.getInt("total"));
                assertEquals(0, rows.getInt("out_of_order"), "outbox ids in version order per aggregate");
            }
        }
    }

    private record Counts(int events, int outbox, int largestCommit) {
    }

    private static Counts counts(String prefix) throws Exception {
        try (Connection connection = LocalInfra.connect(DB);
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT count(*) AS events,
                            (SELECT count(*) FROM outbox o WHERE o.aggregate_id LIKE ? || '%') AS outbox,
                            max(per_tx) AS largest_commit
                     FROM (SELECT e.*, count(*) OVER (PARTITION BY tx_id) AS per_tx FROM events e
                           WHERE aggregate_id LIKE ? || '%') e""")) {
            statement.setString(1, prefix);
            statement.setString(2, prefix);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Counts(rows.getInt("events"), rows.getInt("outbox"), rows.getInt("largest_commit"));
            }
        }
    }
}
