package com.waitingroom.fidelity;

import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.kernel.EventIds;
import com.waitingroom.projection.store.EventStoreReader;
import com.waitingroom.projection.store.IncomingEvent;
import com.waitingroom.projection.store.DisplayQuery;
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
    final DisplayQuery display;

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
        display = new DisplayQuery(dataSource);
    }

    /** An event on its way to the projection, with the version the aggregate gave it. */
    record Decided(DomainEvent event, long version, Instant occurredAt) {
    }

    /**
     * Applies events (one or several commands' worth, versions consecutive) in one read-model
     * transaction, as one consumer batch. With {@code schemaOne} they travel as schema-1 events:
     * without line sequences and visits, and without the desk when it is the default one.
     */
    void apply(List<Decided> events, boolean schemaOne) throws SQLException {
        List<IncomingEvent> batch = new ArrayList<>(events.size());
        for (Decided decided : events) {
            EventEnvelope envelope = codec.wrap(decided.event(), EventIds.newId(decided.occurredAt()),
                    decided.version(), decided.occurredAt(), "fidelity", null, "test");
            if (schemaOne) {
                envelope = SchemaOne.downgrade(envelope, codec);
            }
            // Through the wire format, as a consumer receives it.
            EventEnvelope received = codec.decode(codec.encode(envelope));
            batch.add(new IncomingEvent(received, codec.payloadOf(received), decided.occurredAt()));
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

    /** Every patient row of the queue: id to {state, visit, outcome}. */
    Map<String, List<Object>> patientRows(String queueId) throws SQLException {
        Map<String, List<Object>> rows = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT patient_id, state, visit, outcome FROM "
                + ReadModelWriter.LIVE_SCHEMA + ".patients WHERE queue_id = ?")) {
            select.setString(1, queueId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), java.util.Arrays.asList(rs.getString(2), rs.getInt(3), rs.getString(4)));
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
