package com.waitingroom.projection.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventDecodingException;
import com.waitingroom.kernel.EventEnvelope;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads public.events (owned by the event store migrations) for gap filling and rebuilds, with the
 * same envelope fields a delivered message carries (actor and actorRole included), so a rebuild and
 * the live path project identical rows.
 */
public final class EventStoreReader {

    private static final String[] COLUMNS = {"event_id", "aggregate_id", "aggregate_type", "version", "event_type",
            "schema_version", "occurred_at", "correlation_id", "causation_id", "actor", "actor_role", "payload::text"};

    private final EventCodec codec;
    private final ObjectMapper mapper = EventCodec.newObjectMapper();
    /**
     * True once public.events is seen with actor_role (event store migration V3, run by api-service).
     * Until then (a projection-worker started before the api-service of the same release migrated the
     * store) the column is read as NULL instead of failing every gap fill and rebuild.
     */
    private volatile boolean actorRoleColumn;

    public EventStoreReader(EventCodec codec) {
        this.codec = codec;
    }

    /** False when the event store schema is absent (then gaps can only be closed by delivery). */
    public boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass('public.events') IS NOT NULL");
             ResultSet rs = statement.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Events of one stream with fromVersion <= version <= toVersion, in version order. */
    public List<IncomingEvent> stream(Connection connection, String aggregateId, long fromVersion, long toVersion)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + columns(connection, null)
                + " FROM public.events WHERE aggregate_id = ? AND version BETWEEN ? AND ? ORDER BY version")) {
            statement.setString(1, aggregateId);
            statement.setLong(2, fromVersion);
            statement.setLong(3, toVersion);
            return readAll(statement);
        }
    }

    /** A page of the whole store in position order, for rebuilds. */
    public List<IncomingEvent> page(Connection connection, long afterPosition, int limit, long[] lastPosition)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + columns(connection, null)
                + ", global_position FROM public.events WHERE global_position > ? ORDER BY global_position LIMIT ?")) {
            statement.setLong(1, afterPosition);
            statement.setInt(2, limit);
            List<IncomingEvent> events = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    events.add(read(rs));
                    lastPosition[0] = rs.getLong(COLUMNS.length + 1);
                }
            }
            return events;
        }
    }

    /** Store events not yet applied to the given schema's read models, in stream order. */
    public List<IncomingEvent> notYetApplied(Connection connection, String schema, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + columns(connection, "e")
                + " FROM public.events e"
                + " LEFT JOIN " + schema + ".stream_positions p ON p.aggregate_id = e.aggregate_id"
                + " WHERE e.version > COALESCE(p.last_version, 0) ORDER BY e.aggregate_id, e.version LIMIT ?")) {
            statement.setInt(1, limit);
            return readAll(statement);
        }
    }

    public long count(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM public.events");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The select list of an envelope, columns prefixed with {@code alias} when given. */
    private String columns(Connection connection, String alias) throws SQLException {
        boolean withActorRole = hasActorRole(connection);
        StringBuilder list = new StringBuilder();
        for (String column : COLUMNS) {
            if (!list.isEmpty()) {
                list.append(", ");
            }
            if (column.equals("actor_role") && !withActorRole) {
                list.append("NULL::text");
            } else {
                list.append(alias == null ? "" : alias + ".").append(column);
            }
        }
        return list.toString();
    }

    private boolean hasActorRole(Connection connection) throws SQLException {
        if (!actorRoleColumn) {
            try (PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM"
                    + " information_schema.columns WHERE table_schema = 'public' AND table_name = 'events'"
                    + " AND column_name = 'actor_role')");
                 ResultSet rs = statement.executeQuery()) {
                actorRoleColumn = rs.next() && rs.getBoolean(1);
            }
        }
        return actorRoleColumn;
    }

    private List<IncomingEvent> readAll(PreparedStatement statement) throws SQLException {
        List<IncomingEvent> events = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                events.add(read(rs));
            }
        }
        return events;
    }

    private IncomingEvent read(ResultSet rs) throws SQLException {
        try {
            EventEnvelope envelope = new EventEnvelope(
                    rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                    rs.getInt(6), rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getString(8),
                    rs.getString(9), rs.getString(10), rs.getString(11), mapper.readTree(rs.getString(12)));
            return new IncomingEvent(envelope, codec.payloadOf(envelope), null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new EventDecodingException("event store row is not a valid event: " + e.getMessage(), e);
        }
    }
}
