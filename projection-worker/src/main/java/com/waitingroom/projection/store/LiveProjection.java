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

/** One read-model transaction per batch on the live schema; what the consumers call. */
@ApplicationScoped
public class LiveProjection {

    private final DataSource dataSource;
    private final ReadModelWriter writer;

    @Inject
    public LiveProjection(DataSource dataSource) {
        this.dataSource = dataSource;
        this.writer = new ReadModelWriter(new EventStoreReader(EventCodec.standard()), EventCodec.standard());
    }

    public BatchOutcome apply(List<IncomingEvent> batch) throws SQLException {
        return inTransaction(connection -> writer.apply(connection, ReadModelWriter.LIVE_SCHEMA, batch, true, List.of()));
    }

    /** Retries parked events whose gap stayed open longer than {@code olderThan} (e.g. a lost message). */
    public BatchOutcome retryParked(Duration olderThan) throws SQLException {
        List<String> aggregates = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT DISTINCT aggregate_id FROM "
                     + ReadModelWriter.LIVE_SCHEMA + ".parked_events WHERE parked_at < now() - make_interval(secs => ?)"
                     + " LIMIT 100")) {
            select.setDouble(1, olderThan.toMillis() / 1000.0);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    aggregates.add(rs.getString(1));
                }
            }
        }
        if (aggregates.isEmpty()) {
            return new BatchOutcome(List.of(), 0, 0, 0);
        }
        return inTransaction(connection -> writer.apply(connection, ReadModelWriter.LIVE_SCHEMA, List.of(), true, aggregates));
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
