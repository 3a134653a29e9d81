package com.waitingroom.projection.messaging;

import com.waitingroom.projection.store.BatchOutcome;
import com.waitingroom.projection.store.EventApplyException;
import com.waitingroom.projection.store.Failures;
import com.waitingroom.projection.store.IncomingEvent;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Applies a batch so that one bad event stops its own queue only. Infrastructure trouble (database
 * down) is retried with backoff until it heals: the batch stays unacknowledged, nothing is parked.
 * A deterministic failure re-runs the batch one event per transaction; an event that still fails
 * after max-attempts parks the queue of the event the failure names (the delivered one when the
 * failure names none). Later events of a parked queue are parked by the writer, so the rest of the
 * batch, and every other queue, keeps flowing, and every delivery can be acknowledged.
 */
final class FailureIsolation {

    private static final Logger LOG = Logger.getLogger(FailureIsolation.class);

    private final ProjectionConsumer.BatchApplier applier;
    private final ProjectionConsumer.QueueParker parker;
    private final ApplyListener listener;
    private final int maxAttempts;
    private final BooleanSupplier running;
    /** The delivery trace of an event, so the log lines about that event alone carry its trace. */
    private final Function<IncomingEvent, ConsumeTracing.DeliveryTrace> traces;

    FailureIsolation(ProjectionConsumer.BatchApplier applier, ProjectionConsumer.QueueParker parker,
                     ApplyListener listener, int maxAttempts, BooleanSupplier running,
                     Function<IncomingEvent, ConsumeTracing.DeliveryTrace> traces) {
        this.traces = traces;
        this.applier = applier;
        this.parker = parker;
        this.listener = listener;
        this.maxAttempts = maxAttempts;
        this.running = running;
    }

    /** Returns once every event is committed, a duplicate or parked; throws only when stopping or parking fails. */
    void apply(List<IncomingEvent> events) throws Exception {
        if (applyTogether(events)) {
            return;
        }
        for (IncomingEvent event : events) {
            ConsumeTracing.DeliveryTrace trace = traces.apply(event);
            trace.enter();
            try {
                applyAlone(event);
            } finally {
                trace.leave();
            }
        }
    }

    /** The batch in one transaction: true once committed, false on a deterministic failure. */
    private boolean applyTogether(List<IncomingEvent> events) throws Exception {
        long backoff = 100;
        while (true) {
            try {
                listener.batchCommitted(applier.apply(events), Instant.now());
                return true;
            } catch (Exception e) {
                if (!Failures.isTransient(e)) {
                    LOG.warnf("batch of %d failed (%s); applying it one event per transaction", events.size(),
                            Failures.describe(e));
                    return false;
                }
                backoff = waitBeforeRetry(e, backoff);
            }
        }
    }

    private void applyAlone(IncomingEvent event) throws Exception {
        long backoff = 100;
        int attempts = 0;
        while (true) {
            try {
                listener.batchCommitted(applier.apply(List.of(event)), Instant.now());
                return;
            } catch (Exception e) {
                if (Failures.isTransient(e)) {
                    backoff = waitBeforeRetry(e, backoff);
                    continue;
                }
                attempts++;
                listener.failed(Failures.describe(e));
                if (attempts >= maxAttempts) {
                    park(event, e, attempts);
                    return;
                }
                sleep(Duration.ofMillis(50L * attempts));
            }
        }
    }

    private void park(IncomingEvent delivered, Exception failure, int attempts) throws Exception {
        EventApplyException named = named(failure);
        if (named == null) {
            named = new EventApplyException(delivered, failure);
        }
        long backoff = 100;
        while (true) {
            try {
                BatchOutcome outcome = parker.park(named, attempts, delivered);
                IncomingEvent failing = named.event();
                LOG.errorf("parked queue %s after %d attempt(s) at %s v%d (%s); its later events wait in"
                                + " parked_events until it is resumed", failing.aggregateId(), attempts,
                        failing.envelope().eventType(), failing.version(), named.error());
                listener.batchCommitted(outcome, Instant.now());
                listener.queueParked(failing.aggregateId(), named.getMessage());
                return;
            } catch (Exception e) {
                if (!Failures.isTransient(e)) {
                    throw e;
                }
                backoff = waitBeforeRetry(e, backoff);
            }
        }
    }

    private static EventApplyException named(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EventApplyException apply) {
                return apply;
            }
        }
        return null;
    }

    /** Sleeps before retrying a transient failure; rethrows it when the consumer is stopping. */
    private long waitBeforeRetry(Exception failure, long backoff) throws Exception {
        if (!running.getAsBoolean()) {
            throw failure;
        }
        LOG.warnf("read-model transaction failed (%s); retrying in %d ms", Failures.describe(failure), backoff);
        listener.failed(Failures.describe(failure));
        sleep(Duration.ofMillis(backoff));
        return Math.min(backoff * 2, 5000);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
