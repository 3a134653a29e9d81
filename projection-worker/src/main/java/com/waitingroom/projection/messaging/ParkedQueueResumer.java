package com.waitingroom.projection.messaging;

import com.waitingroom.projection.store.BatchOutcome;
import com.waitingroom.projection.store.Failures;
import com.waitingroom.projection.store.LiveProjection;
import com.waitingroom.projection.store.LiveProjection.ResumeOutcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resumes parked queues (admin call, and every start: a fix may have been deployed) and reports what
 * happened to the logs, the metrics and the parked-queue monitor. A queue that fails again stays
 * parked; infrastructure trouble is thrown (nothing changed, try again later).
 */
@ApplicationScoped
public class ParkedQueueResumer {

    private static final Logger LOG = Logger.getLogger(ParkedQueueResumer.class);

    @Inject
    LiveProjection projection;
    @Inject
    ParkedQueueMonitor monitor;
    @Inject
    ProjectionMetrics metrics;

    /** Empty when the queue is not parked. */
    public Optional<ResumeOutcome> resume(String queueId) throws SQLException {
        try {
            Optional<ResumeOutcome> outcome = attempt(queueId);
            outcome.ifPresent(this::report);
            return outcome;
        } finally {
            monitor.refresh();
        }
    }

    public List<ResumeOutcome> resumeAll() throws SQLException {
        List<ResumeOutcome> outcomes = new ArrayList<>();
        try {
            for (String queueId : projection.parkedQueueIds()) {
                attempt(queueId).ifPresent(outcome -> {
                    report(outcome);
                    outcomes.add(outcome);
                });
            }
        } finally {
            monitor.refresh();
        }
        return outcomes;
    }

    private Optional<ResumeOutcome> attempt(String queueId) throws SQLException {
        try {
            return projection.resume(queueId);
        } catch (SQLException | RuntimeException e) {
            if (Failures.isTransient(e)) {
                throw e;
            }
            // Not charged to an event (e.g. a parked row that no longer decodes): the mark stays as it was.
            return Optional.of(new ResumeOutcome(queueId, false, new BatchOutcome(List.of(), 0, 0, 0),
                    Failures.describe(e)));
        }
    }

    private void report(ResumeOutcome outcome) {
        if (outcome.resumed()) {
            LOG.infof("resumed queue %s: %d parked event(s) applied", outcome.queueId(),
                    outcome.batch().applied().size());
            metrics.caughtUp(outcome.batch());
        } else {
            LOG.errorf("queue %s stays parked: %s", outcome.queueId(), outcome.error());
            metrics.queueParked(outcome.queueId(), outcome.error());
        }
    }
}
