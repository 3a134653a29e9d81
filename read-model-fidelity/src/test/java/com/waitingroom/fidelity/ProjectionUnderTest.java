package com.waitingroom.fidelity;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.EventIds;
import com.waitingroom.projection.store.EventStoreReader;
import com.waitingroom.projection.store.IncomingEvent;
import com.waitingroom.projection.store.ReadModelQueries;
import com.waitingroom.projection.store.ReadModelWriter;
import com.waitingroom.testsupport.LocalInfra;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * projection-worker's real read side on a database of this suite's own: its Flyway migrations,
 * its writer (positions, projector, table writes) applying events exactly as a consumer batch
 * does, and its query class reading the views the HTTP API serves.
 */
final class ProjectionUnderTest implements AutoCloseable {

    static final String DATABASE = "waitingroom_fidelity_test";

    private final EventCodec codec = EventCodec.standard();
    private final ReadModelWriter writer = new ReadModelWriter(new EventStoreReader(codec), codec);
    private final Connection connection;
    private final SingleConnectionDataSource dataSource;
    final ReadModelQueries queries;

    ProjectionUnderTest() throws SQLException {
        try (Connection admin = LocalInfra.connect(DATABASE); Statement statement = admin.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + ReadModelWriter.LIVE_SCHEMA + " CASCADE");
        }
        Flyway.configure()
                .dataSource(LocalInfra.jdbcUrl(DATABASE), LocalInfra.pgUser(), LocalInfra.pgPassword())
                .schemas(ReadModelWriter.LIVE_SCHEMA).defaultSchema(ReadModelWriter.LIVE_SCHEMA)
                .locations("classpath:db/projection")
                .load().migrate();
        connection = LocalInfra.connect(DATABASE);
        try (Statement statement = connection.createStatement()) {
            // Each step commits; durability of a test database is not what is under test.
            statement.execute("SET synchronous_commit = off");
        }
        dataSource = new SingleConnectionDataSource(connection);
        queries = new ReadModelQueries(dataSource);
    }

    /** Applies one command's events (versions from firstVersion on) in one read-model transaction. */
    void apply(String queueId, List<DomainEvent> events, long firstVersion, Instant occurredAt) throws SQLException {
        List<IncomingEvent> batch = new ArrayList<>(events.size());
        long version = firstVersion;
        for (DomainEvent event : events) {
            EventEnvelope envelope = codec.wrap(event, EventIds.newId(occurredAt), version++, occurredAt, "fidelity", null, "test");
            // Through the wire format, as a consumer receives it.
            EventEnvelope received = codec.decode(codec.encode(envelope));
            batch.add(new IncomingEvent(received, codec.payloadOf(received), occurredAt));
        }
        connection.setAutoCommit(false);
        try {
            writer.apply(connection, ReadModelWriter.LIVE_SCHEMA, batch, true, List.of());
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Every patient row of the queue: id to {state, visit}. */
    Map<String, List<Object>> patientRows(String queueId) throws SQLException {
        Map<String, List<Object>> rows = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT patient_id, state, visit FROM "
                + ReadModelWriter.LIVE_SCHEMA + ".patients WHERE queue_id = ?")) {
            select.setString(1, queueId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), List.of(rs.getString(2), rs.getInt(3)));
                }
            }
        }
        return rows;
    }

    /** The parked-event count of the queue: must stay 0 when events arrive in order. */
    long parkedEvents(String queueId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM "
                + ReadModelWriter.LIVE_SCHEMA + ".parked_events WHERE aggregate_id = ?")) {
            select.setString(1, queueId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        dataSource.close();
    }
}
