package com.waitingroom.projection.store;

import com.waitingroom.kernel.EventCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.waitingroom.projection.store.ReadModelWriter.LIVE_SCHEMA;

/**
 * One read-model transaction per call on the live schema: what the consumers call to apply a
 * batch, retry parked events, park the queue of a failing event, and resume a parked queue.
 */
@ApplicationScoped
public class LiveProjection {

    private final DataSource dataSource;
    private final ReadModelWriter writer;

    @Inject
    public LiveProjection(DataSource dataSource) {
        this.dataSource = dataSource;
        this.writer = new ReadModelWriter(new EventStoreReader(EventCodec.standard()), EventCodec.standard());
    }

    /** What resuming a parked queue did: applied its parked events, or parked it again. */
    public record ResumeOutcome(String queueId, boolean resumed, BatchOutcome batch, String error) {
    }

    public BatchOutcome apply(List<IncomingEvent> batch) throws SQLException {
        return inTransaction(connection -> writer.apply(connection, LIVE_SCHEMA, batch, true, List.of()));
    }

    /** What a sweep did: the events it applied, and the parked events that failed (their queues must be parked). */
    public record SweepOutcome(BatchOutcome applied, List<EventApplyException> failures) {
    }

    /**
     * Retries parked events whose gap stayed open longer than {@code olderThan} (e.g. a lost message),
     * oldest first, one queue per transaction so that a failing one is named and parked alone instead
     * of failing the whole sweep again and again. Parked queues are left out: nothing of them is
     * applied until they are resumed.
     */
    public SweepOutcome retryParked(Duration olderThan) throws SQLException {
        List<String> aggregates = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT e.aggregate_id FROM "
                     + LIVE_SCHEMA + ".parked_events e WHERE e.parked_at < now() - make_interval(secs => ?)"
                     + " AND NOT EXISTS (SELECT 1 FROM " + LIVE_SCHEMA + ".parked_queues q"
                     + " WHERE q.aggregate_id = e.aggregate_id) GROUP BY e.aggregate_id ORDER BY min(e.parked_at)"
                     + " LIMIT 100")) {
            select.setDouble(1, olderThan.toMillis() / 1000.0);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    aggregates.add(rs.getString(1));
                }
            }
        }
        List<IncomingEvent> applied = new ArrayList<>();
        List<EventApplyException> failures = new ArrayList<>();
        int duplicates = 0;
        int parked = 0;
        int gapFilled = 0;
        for (String aggregate : aggregates) {
            try {
                BatchOutcome outcome = inTransaction(connection ->
                        writer.apply(connection, LIVE_SCHEMA, List.of(), true, List.of(aggregate)));
                applied.addAll(outcome.applied());
                duplicates += outcome.duplicates();
                parked += outcome.parked();
                gapFilled += outcome.gapFilled();
            } catch (EventApplyException e) {
                if (Failures.isTransient(e)) {
                    throw e;
                }
                failures.add(e);
            }
        }
        return new SweepOutcome(new BatchOutcome(applied, duplicates, parked, gapFilled), failures);
    }

    /**
     * Parks the queue of the event the failure names: marks the queue, and stores that event and the
     * delivered one durably in parked_events (the writer parks whatever a marked queue receives), so
     * the delivery can be acknowledged. Another failure of a parked queue adds to its attempts.
     */
    public BatchOutcome park(EventApplyException failure, int attempts, IncomingEvent delivered) throws SQLException {
        IncomingEvent failing = failure.event();
        List<IncomingEvent> keep = new ArrayList<>(List.of(failing));
        if (delivered != null && delivered.aggregateId().equals(failing.aggregateId())) {
            keep.add(delivered);
        }
        // Unmarked (the event was applied meanwhile), the writer treats the kept events as usual:
        // duplicates dropped, a later delivered event applied.
        return inTransaction(connection -> {
            ParkedQueueMarks.mark(connection, failing, failure.error(), attempts);
            return writer.apply(connection, LIVE_SCHEMA, keep, true, List.of());
        });
    }

    /**
     * Clears the mark and applies the queue's parked events in order through the writer (positions
     * make this idempotent; a gap before them is filled from the event store as usual). If the
     * projector fails again, nothing of this attempt stays and the queue is parked again, naming the
     * event that failed now and keeping its first failure time. Empty when the queue is not parked.
     */
    public Optional<ResumeOutcome> resume(String queueId) throws SQLException {
        try {
            return Optional.ofNullable(inTransaction(connection -> {
                if (!ParkedQueueMarks.clear(connection, queueId)) {
                    return null;
                }
                return new ResumeOutcome(queueId, true,
                        writer.apply(connection, LIVE_SCHEMA, List.of(), true, List.of(queueId)), null);
            }));
        } catch (EventApplyException e) {
            if (Failures.isTransient(e)) {
                throw e;
            }
            BatchOutcome parked = park(e, 1, null);
            return Optional.of(new ResumeOutcome(queueId, false, parked, e.getMessage()));
        }
    }

    public List<String> parkedQueueIds() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return ParkedQueueMarks.ids(connection);
        }
    }

    public List<ParkedQueue> parkedQueues() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return ParkedQueueMarks.list(connection);
        }
    }

    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the connection is probably gone; the pool discards it
                }
                throw e;
            } finally {
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // same
                }
            }
        }
    }
}
