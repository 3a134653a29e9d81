package com.waitingroom.outbox.messaging;

import com.waitingroom.outbox.store.RelayStore;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * One worker's batches: those sent and awaiting their confirms, and the turn that claims and sends
 * the next one meanwhile. Batches in flight on one channel keep the broker busy while the database
 * does the claims and moves the confirmed rows out; each one's rows follow the earlier ones' on the channel, so
 * per-aggregate order holds. Not thread-safe: each worker owns one.
 */
final class RelayPipeline {

    private static final Logger LOG = Logger.getLogger(RelayPipeline.class);
    private static final long BLOCKED_RETRY_MILLIS = 10;

    /** What the worker's engine is told, and asked, by a turn. */
    interface Activity {
        void workSeen();

        /** How long a worker that found nothing waits for a wake-up. */
        long idleMillis() throws SQLException;
    }

    record TurnResult(boolean loopAtOnce, long idleMillis, boolean brokerLost, boolean brokerReached) {
    }

    private final BatchRelayer batches;
    private final RelayEngine.Settings settings;
    private final WakeUpSignal wakeUp;
    private final Activity activity;
    /** This worker's batches sent and awaiting their confirms, oldest first. */
    private final Deque<RelayBatch> inFlight = new ArrayDeque<>();

    RelayPipeline(BatchRelayer batches, RelayEngine.Settings settings, WakeUpSignal wakeUp, Activity activity) {
        this.batches = batches;
        this.settings = settings;
        this.wakeUp = wakeUp;
        this.activity = activity;
    }


    /**
     * One turn of a worker: claims and sends the next batch while the ones in flight await their
     * confirms, then finishes the oldest ones until fewer than {@code pipelineDepth} are in flight.
     * A full batch stays in flight (a backlog: more is waiting); after a partial one, or a failed
     * publish, every batch in flight is finished, so the next claim sees every row's state in the
     * database. Batches commit in the order they were sent.
     */
    TurnResult turn(ConfirmingPublisher publisher)
            throws SQLException, BrokerUnavailableException, InterruptedException {
        RelayBatch next;
        try {
            next = batches.start(inFlight, publisher);
        } catch (SQLException | BrokerUnavailableException | RuntimeException e) {
            abandon();
            throw e;
        }
        if (next.claim.candidates() > 0) {
            activity.workSeen();
        }
        boolean keep = next.isSent() && next.claim.candidates() >= settings.batchSize();
        inFlight.addLast(next);
        Set<String> failed = new HashSet<>();
        boolean brokerLost = false;
        boolean brokerReached = false;
        boolean finishedEarlier = false;
        int confirmed = 0;
        while (!inFlight.isEmpty()
                && (inFlight.size() >= settings.pipelineDepth() || !keep || brokerLost || !failed.isEmpty())) {
            RelayBatch oldest = inFlight.pollFirst();
            BatchRelayer.Outcome done;
            try {
                done = batches.finish(oldest, publisher, Set.copyOf(failed));
            } catch (SQLException | InterruptedException | RuntimeException e) {
                abandon(); // later batches must not be marked dispatched before their predecessors
                throw e;
            }
            if (done.brokerReached()) {
                wakeUp.wakeAll(); // sibling workers may have been held back by its row locks
            }
            finishedEarlier |= oldest != next;
            failed.addAll(done.failedAggregates());
            brokerLost |= done.brokerLost();
            brokerReached |= done.brokerReached();
            confirmed += done.confirmed();
        }
        brokerReached &= !brokerLost;
        if (!inFlight.isEmpty()) {
            return new TurnResult(true, 0, false, brokerReached);
        }
        RelayStore.Claim claim = next.claim;
        if (claim.rows().isEmpty() && !finishedEarlier) {
            // Rows held back only by batches in flight elsewhere are free within milliseconds.
            return new TurnResult(false, claim.someBlocked() ? BLOCKED_RETRY_MILLIS : activity.idleMillis(), false, false);
        }
        boolean moreDue = claim.candidates() >= settings.batchSize() || confirmed > 0 || claim.someBlocked()
                || finishedEarlier;
        return new TurnResult(moreDue && !brokerLost, moreDue ? 0 : activity.idleMillis(), brokerLost, brokerReached);
    }

    /** On shutdown: the batches in flight are confirmed and committed (bounded by the confirm timeout). */
    void drain(ConfirmingPublisher publisher, String relayName) {
        Set<String> failed = new HashSet<>();
        while (!inFlight.isEmpty()) {
            try {
                failed.addAll(batches.finish(inFlight.pollFirst(), publisher, Set.copyOf(failed)).failedAggregates());
            } catch (SQLException | InterruptedException e) {
                LOG.warnf("outbox relay %s: batches left pending at shutdown: %s", relayName, e.getMessage());
                abandon();
                return;
            }
        }
    }

    /** Rolls back the batches in flight, if any: their rows go out again (at-least-once). */
    void abandon() {
        RelayBatch batch;
        while ((batch = inFlight.pollFirst()) != null) {
            batch.close();
        }
    }
}
