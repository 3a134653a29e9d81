package com.waitingroom.outbox.store;

import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.outbox.ApplicationRelayOff;
import com.waitingroom.outbox.OutboxTestInfra;
import com.waitingroom.outbox.TestOutbox;
import com.waitingroom.outbox.domain.OutboxRow;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Differential: the claim skips its per-aggregate look-ups when no due row below the batch was passed
 * over (other than rows that cannot be blockers); on random outboxes (interleaved aggregates, dispatched prefixes, dead and backing-off
 * rows, another replica's batch and this worker's batch in flight) it must flag exactly the rows the
 * claim that always looks up flags.
 */
@QuarkusTest
@TestProfile(ApplicationRelayOff.class)
@QuarkusTestResource(OutboxTestInfra.class)
class ClaimShortcutTest {

    private static final int TRIALS = 60;

    @AfterEach
    void removeTheRowsLeft() throws SQLException { // dead, backing-off and pending rows of the last trial
        TestOutbox.deleteAll();
    }

    @Test
    void theClaimFlagsTheSameRowsAsTheClaimThatAlwaysLooksUp() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int withBlockedRows = 0;
        int withoutBlockedRows = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            String context = "seed " + seed + ", trial " + trial;
            TestOutbox.deleteAll(); // each trial's outbox holds only its own rows
            List<EventEnvelope> events = interleavedEvents(random, "claim-" + trial + "-" + UUID.randomUUID());
            List<Long> ids = TestOutbox.commit(events);
            shapeStates(random, events, ids);
            try (Connection replica = TestOutbox.connect(); Connection worker = TestOutbox.connect();
                 Connection claiming = TestOutbox.connect()) {
                replica.setAutoCommit(false);
                worker.setAutoCommit(false);
                claiming.setAutoCommit(false);
                switch (random.nextInt(3)) { // another replica's batch, locked and not yet committed
                    case 0 -> new RelayStore().claim(replica, 1 + random.nextInt(10));
                    case 1 -> lockSome(replica, random, ids); // claimed while rows before them were not yet due
                    default -> { }
                }
                Long[] inFlight = new Long[0];
                if (random.nextBoolean()) { // this worker's batch in flight: the next claim follows it
                    inFlight = new RelayStore().claim(worker, 1 + random.nextInt(10)).rows().stream()
                            .map(OutboxRow::id).toArray(Long[]::new);
                }
                int batch = 1 + random.nextInt(12);
                RelayStore.Claim fast = new RelayStore().claim(claiming, batch, inFlight);
                claiming.rollback();
                RelayStore.Claim reference = new RelayStore(RelayStore.CLAIM_ALWAYS_LOOKING_UP)
                        .claim(claiming, batch, inFlight);
                claiming.rollback();
                assertEquals(idsOf(reference), idsOf(fast), context);
                assertEquals(reference.candidates(), fast.candidates(), context);
                if (reference.someBlocked()) {
                    withBlockedRows++;
                } else if (!reference.rows().isEmpty()) {
                    withoutBlockedRows++;
                }
                replica.rollback();
                worker.rollback();
            }
        }
        // Not vacuous: both outcomes occurred (in practice each in a third of the trials or more).
        assertTrue(withBlockedRows > 0 && withoutBlockedRows > 0,
                "seed " + seed + ": blocked " + withBlockedRows + ", unblocked " + withoutBlockedRows);
    }

    /** 1-5 aggregates of 1-8 versions, interleaved at random, each aggregate's versions in order (as written). */
    private static List<EventEnvelope> interleavedEvents(Random random, String prefix) {
        int aggregates = 1 + random.nextInt(5);
        int[] next = new int[aggregates];
        int[] last = new int[aggregates];
        int remaining = 0;
        for (int a = 0; a < aggregates; a++) {
            next[a] = 1;
            last[a] = 1 + random.nextInt(8);
            remaining += last[a];
        }
        List<EventEnvelope> events = new ArrayList<>();
        while (remaining > 0) {
            int a = random.nextInt(aggregates);
            if (next[a] <= last[a]) {
                events.add(TestOutbox.checkIn(prefix + "-" + a, next[a]++));
                remaining--;
            }
        }
        return events;
    }

    /**
     * Dispatches a random prefix of each aggregate (moved to the dispatched log as the relay does, or marked in
     * place as a relay from before V23 did), then maybe one row dead and one backing off.
     */
    private static void shapeStates(Random random, List<EventEnvelope> events, List<Long> ids) throws SQLException {
        Map<String, Long> lastVersions = new TreeMap<>();
        events.forEach(e -> lastVersions.merge(e.aggregateId(), e.version(), Math::max));
        try (Connection connection = TestOutbox.connect();
             PreparedStatement markInPlace = connection.prepareStatement("""
                     UPDATE outbox SET status = 'dispatched', dispatched_at = now()
                     WHERE aggregate_id = ? AND aggregate_version <= ?""")) {
            for (Map.Entry<String, Long> aggregate : lastVersions.entrySet()) {
                int dispatchedUpTo = random.nextInt((int) (aggregate.getValue() + 1));
                if (random.nextBoolean()) {
                    markInPlace.setString(1, aggregate.getKey());
                    markInPlace.setLong(2, dispatchedUpTo);
                    markInPlace.executeUpdate();
                } else {
                    List<Long> relayed = new ArrayList<>();
                    for (int i = 0; i < events.size(); i++) {
                        if (events.get(i).aggregateId().equals(aggregate.getKey()) && events.get(i).version() <= dispatchedUpTo) {
                            relayed.add(ids.get(i));
                        }
                    }
                    new RelayStore().markDispatched(connection, relayed);
                }
            }
            if (random.nextInt(4) == 0) {
                update(connection, "UPDATE outbox SET status = 'dead', attempts = 10 WHERE id = ? AND status = 'pending'",
                        ids.get(random.nextInt(ids.size())));
            }
            if (random.nextInt(4) == 0) {
                update(connection, "UPDATE outbox SET attempts = 1, next_attempt_at = now() + interval '1 hour'"
                        + " WHERE id = ? AND status = 'pending'", ids.get(random.nextInt(ids.size())));
            }
        }
    }

    /** Locks a random third of the rows in the replica's transaction, wherever they are. */
    private static void lockSome(Connection replica, Random random, List<Long> ids) throws SQLException {
        List<Long> some = ids.stream().filter(id -> random.nextInt(3) == 0).toList();
        try (PreparedStatement lock = replica.prepareStatement("SELECT id FROM outbox WHERE id = ANY (?) FOR UPDATE")) {
            lock.setArray(1, replica.createArrayOf("bigint", some.toArray()));
            lock.executeQuery().close();
        }
    }

    private static void update(Connection connection, String sql, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, id);
            statement.executeUpdate();
        }
    }

    private static List<Long> idsOf(RelayStore.Claim claim) {
        return claim.rows().stream().map(OutboxRow::id).toList();
    }
}
