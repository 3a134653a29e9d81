package com.waitingroom.outbox.messaging;

import com.waitingroom.outbox.domain.OutboxRow;
import com.waitingroom.outbox.domain.PublishOutcome;
import com.waitingroom.outbox.store.RelayStore;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One batch's work, in two halves so a worker can overlap them: {@link #start} claims rows in a new
 * transaction and sends the publishable ones (without waiting), {@link #finish} waits for their
 * confirms, books every outcome and commits. While batch N awaits its confirms, batch N+1 can be
 * claimed and sent on the same channel; N+1 then skips the aggregates N halted, and holds back the
 * rows of the aggregates N failed to publish (the same for every batch still in flight before it).
 */
final class BatchRelayer {

    private static final Logger LOG = Logger.getLogger(BatchRelayer.class);
    private static final Long[] NONE_IN_FLIGHT = new Long[0];

    private final DataSource dataSource;
    private final RelayEngine.Settings settings;
    private final RelayMetrics metrics;
    private final PublishTracing tracing;
    private final RelayStore store;

    BatchRelayer(DataSource dataSource, RelayEngine.Settings settings, RelayMetrics metrics, PublishTracing tracing,
                 RelayStore store) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.metrics = metrics;
        this.tracing = tracing;
        this.store = store;
    }

    /** What a finished batch tells the worker loop. */
    record Outcome(int confirmed, boolean brokerLost, boolean brokerReached, Set<String> failedAggregates) {
    }

    /** {@link #start(Collection, ConfirmingPublisher)} with at most one batch in flight (or none: null). */
    RelayBatch start(RelayBatch previous, ConfirmingPublisher publisher) throws SQLException, BrokerUnavailableException {
        return start(previous == null ? List.of() : List.of(previous), publisher);
    }

    /**
     * Claims a batch in a new transaction and sends its publishable rows; {@code inFlight} are this
     * worker's batches still awaiting their confirms. The caller owns the returned batch.
     */
    RelayBatch start(Collection<RelayBatch> inFlight, ConfirmingPublisher publisher)
            throws SQLException, BrokerUnavailableException {
        Long[] inFlightIds = NONE_IN_FLIGHT;
        Set<String> haltedBefore = Set.of();
        if (!inFlight.isEmpty()) {
            List<Long> ids = new ArrayList<>();
            haltedBefore = new HashSet<>();
            for (RelayBatch batch : inFlight) {
                ids.addAll(List.of(batch.sentIds()));
                haltedBefore.addAll(batch.halted);
            }
            inFlightIds = ids.toArray(NONE_IN_FLIGHT);
        }
        Connection connection = dataSource.getConnection();
        RelayBatch batch;
        try {
            connection.setAutoCommit(false);
            long claimStarted = System.nanoTime();
            RelayStore.Claim claim = store.claim(connection, settings.batchSize(), inFlightIds);
            batch = new RelayBatch(connection, claim, System.nanoTime() - claimStarted);
        } catch (SQLException | RuntimeException e) {
            safeClose(connection);
            throw e;
        }
        try {
            prepare(batch, haltedBefore);
            if (!batch.publishable.isEmpty()) {
                batch.sent = publisher.send(batch.publishable, batch.properties);
                batch.sentNanos = System.nanoTime();
            }
            return batch;
        } catch (BrokerUnavailableException | RuntimeException e) {
            batch.close();
            throw e;
        }
    }

    /** Builds each row's message; rows behind a halted aggregate (here or in the batch before) stay out. */
    private void prepare(RelayBatch batch, Set<String> haltedBefore) {
        long publishedAt = System.currentTimeMillis();
        for (OutboxRow row : batch.claim.rows()) {
            if (batch.halted.contains(row.aggregateId()) || haltedBefore.contains(row.aggregateId())) {
                batch.halted.add(row.aggregateId());
                continue; // an earlier version of this aggregate cannot go out before its confirm
            }
            PublishTracing.RowTrace trace = tracing.start(row);
            trace.enter();
            try {
                batch.properties.add(ConfirmingPublisher.propertiesOf(row, publishedAt, trace));
                batch.publishable.add(row);
                batch.traces.add(trace);
                if (row.attempts() > 0) {
                    // A retrying row goes out alone: its successors wait for its confirm.
                    batch.halted.add(row.aggregateId());
                }
            } catch (ConfirmingPublisher.MalformedRowException e) {
                // Cannot ever succeed: dead at once instead of burning retries.
                batch.halted.add(row.aggregateId());
                batch.failures.add(new RelayStore.Failure(row.id(), row.attempts() + 1, e.getMessage(), 0, true));
                LOG.errorf("outbox row %d (event %s, %s) is dead: %s", row.id(), row.eventId(), row.eventType(),
                        e.getMessage());
                metrics.dead();
                PublishTracing.abandon(trace, "malformed row");
            } finally {
                trace.leave();
            }
        }
    }

    /**
     * Waits for the batch's confirms, books each outcome and commits; {@code failedBefore} are the
     * aggregates the batch sent before it failed to publish (their rows here are held back). The
     * batch is committed or rolled back when this returns or throws.
     */
    Outcome finish(RelayBatch batch, ConfirmingPublisher publisher, Set<String> failedBefore)
            throws SQLException, InterruptedException {
        try (batch) {
            List<PublishOutcome> outcomes = batch.isSent() ? publisher.await(batch.sent) : List.of();
            Duration latency = Duration.ofNanos(batch.isSent() ? System.nanoTime() - batch.sentNanos : 0);
            Instant confirmedAt = Instant.now();
            List<Long> confirmed = new ArrayList<>(outcomes.size());
            boolean brokerLost = false;
            batch.failed.addAll(failedBefore);
            for (int i = 0; i < batch.publishable.size(); i++) {
                PublishTracing.RowTrace trace = batch.traces.get(i);
                trace.enter();
                try {
                    brokerLost |= settle(batch, batch.publishable.get(i), outcomes.get(i), trace, latency,
                            confirmedAt, confirmed);
                } finally {
                    trace.leave();
                }
            }
            long updateStarted = System.nanoTime();
            store.markDispatched(batch.connection, confirmed);
            store.recordFailures(batch.connection, batch.failures);
            batch.commit();
            if (LOG.isDebugEnabled()) {
                LOG.debugf("batch of %d/%d rows: claim %.1f ms, confirm wait %.1f ms, update+commit %.1f ms",
                        confirmed.size(), batch.claim.candidates(), batch.claimNanos / 1e6, latency.toNanos() / 1e6,
                        (System.nanoTime() - updateStarted) / 1e6);
            }
            metrics.dispatched(confirmed.size());
            batch.failed.removeAll(failedBefore); // only this batch's own failures matter to the next one
            return new Outcome(confirmed.size(), brokerLost, batch.isSent() && !brokerLost, batch.failed);
        }
    }

    /** Books one row's outcome (its trace in the MDC); true when it shows the broker connection was lost. */
    private boolean settle(RelayBatch batch, OutboxRow row, PublishOutcome outcome, PublishTracing.RowTrace trace,
                           Duration latency, Instant confirmedAt, List<Long> confirmed) {
        if (batch.failed.contains(row.aggregateId())) {
            // An earlier version failed (in this batch or the one before): even if this one was
            // confirmed, leave it pending (no attempt counted) so it is published again after it.
            PublishTracing.abandon(trace, "held back: an earlier version of its aggregate failed");
            return false;
        }
        PublishTracing.finish(trace, outcome);
        if (outcome.confirmed()) {
            confirmed.add(row.id());
            metrics.publishLatency(latency);
            metrics.commitToPublishLag(Duration.between(row.createdAt(), confirmedAt));
            if (LOG.isDebugEnabled()) {
                LOG.debugf("relayed event %s (%s, %s v%d)", row.eventId(), row.eventType(), row.aggregateId(),
                        row.aggregateVersion());
            }
            return false;
        }
        batch.failed.add(row.aggregateId());
        if (outcome.status() == PublishOutcome.Status.CONNECTION_LOST) {
            return true; // outage: leave the row as it is
        }
        batch.failures.add(failureOf(row, outcome));
        return false;
    }

    private RelayStore.Failure failureOf(OutboxRow row, PublishOutcome outcome) {
        int attempts = row.attempts() + 1;
        boolean dead = attempts >= settings.maxAttempts();
        long retryIn = dead ? 0 : settings.rowBackoff().delayMillis(attempts, ThreadLocalRandom.current());
        metrics.publishFailure();
        if (dead) {
            metrics.dead();
            LOG.errorf("outbox row %d (event %s, %s, aggregate %s v%d) is dead after %d attempts: %s", row.id(),
                    row.eventId(), row.eventType(), row.aggregateId(), row.aggregateVersion(), attempts,
                    outcome.detail());
        } else {
            LOG.warnf("outbox row %d (event %s) publish failed (attempt %d/%d), retry in %d ms: %s", row.id(),
                    row.eventId(), attempts, settings.maxAttempts(), retryIn, outcome.detail());
        }
        return new RelayStore.Failure(row.id(), attempts, outcome.detail(), retryIn, dead);
    }

    private static void safeClose(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the pool discards a broken connection
        }
    }
}
