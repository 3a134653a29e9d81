package com.waitingroom.outbox.messaging;

import com.waitingroom.outbox.store.RelayStore;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.Set;

/**
 * One worker's batches: the one sent and awaiting its confirms, and the turn that claims and sends
 * the next one meanwhile. Two batches in flight on one channel keep the broker busy while the
 * database does the claim and the status update; the second one's rows follow the first's on the
 * channel, so per-aggregate order holds. Not thread-safe: each worker owns one.
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
    private RelayBatch inFlight;
    /** Aggregates the batch before {@link #inFlight} failed to publish (their rows in it are held back). */
    private Set<String> failedBefore = Set.of();

    RelayPipeline(BatchRelayer batches, RelayEngine.Settings settings, WakeUpSignal wakeUp, Activity activity) {
        this.batches = batches;
        this.settings = settings;
        this.wakeUp = wakeUp;
        this.activity = activity;
    }


    /**
     * One turn of a worker: claims and sends the next batch while the one in flight awaits its
     * confirms, then finishes that one. A full batch stays in flight for the next turn (a backlog:
     * more is waiting); a partial one is finished at once, as is everything after a failed publish,
     * so the claim after a failure sees every row's state in the database.
     */
    TurnResult turn(ConfirmingPublisher publisher)
            throws SQLException, BrokerUnavailableException, InterruptedException {
        RelayBatch previous = take();
        RelayBatch next;
        try {
            next = batches.start(previous, publisher);
        } catch (SQLException | BrokerUnavailableException | RuntimeException e) {
            if (previous != null) {
                previous.close();
            }
            throw e;
        }
        if (next.claim.candidates() > 0) {
            activity.workSeen();
        }
        BatchRelayer.Outcome done = null;
        Set<String> failedByPrevious = Set.of();
        if (previous != null) {
            try {
                done = batches.finish(previous, publisher, failedBefore);
            } catch (SQLException | InterruptedException | RuntimeException e) {
                next.close(); // its rows must not be marked dispatched before their predecessors
                throw e;
            }
            if (done.brokerReached()) {
                wakeUp.wakeAll(); // sibling workers may have been held back by its row locks
            }
            failedByPrevious = done.failedAggregates();
        }
        boolean keepInFlight = settings.pipelined() && next.isSent() && failedByPrevious.isEmpty()
                && (done == null || !done.brokerLost()) && next.claim.candidates() >= settings.batchSize();
        if (keepInFlight) {
            inFlight = next;
            failedBefore = failedByPrevious;
            return new TurnResult(true, 0, false, done != null && done.brokerReached());
        }
        BatchRelayer.Outcome last = batches.finish(next, publisher, failedByPrevious);
        if (last.brokerReached()) {
            wakeUp.wakeAll();
        }
        boolean brokerLost = last.brokerLost() || (done != null && done.brokerLost());
        boolean brokerReached = !brokerLost && (last.brokerReached() || (done != null && done.brokerReached()));
        RelayStore.Claim claim = next.claim;
        if (claim.rows().isEmpty() && done == null) {
            // Rows held back only by batches in flight elsewhere are free within milliseconds.
            return new TurnResult(false, claim.someBlocked() ? BLOCKED_RETRY_MILLIS : activity.idleMillis(), false, false);
        }
        boolean moreDue = claim.candidates() >= settings.batchSize() || last.confirmed() > 0 || claim.someBlocked()
                || done != null;
        return new TurnResult(moreDue && !brokerLost, moreDue ? 0 : activity.idleMillis(), brokerLost, brokerReached);
    }

    /** On shutdown: the batch in flight is confirmed and committed (bounded by the confirm timeout). */
    void drain(ConfirmingPublisher publisher, String relayName) {
        RelayBatch last = take();
        if (last != null) {
            try {
                batches.finish(last, publisher, failedBefore);
            } catch (SQLException | InterruptedException e) {
                LOG.warnf("outbox relay %s: last batch left pending at shutdown: %s", relayName, e.getMessage());
            }
        }
    }

    /** Rolls back the batch in flight, if any: its rows go out again (at-least-once). */
    void abandon() {
        RelayBatch batch = take();
        if (batch != null) {
            batch.close();
        }
    }

    private RelayBatch take() {
        RelayBatch batch = inFlight;
        inFlight = null;
        return batch;
    }
}
