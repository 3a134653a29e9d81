package com.waitingroom.testsupport;

import com.waitingroom.kernel.EventEnvelope;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Writes an envelope into {@code public.events} exactly as api-service stores it, for suites that
 * must seed the event store without running api-service (relay and projection tests).
 */
public final class EventStoreRows {

    /** One {@code events} row; bind it with {@link #bind}. */
    public static final String INSERT_EVENT = """
            INSERT INTO public.events (event_id, aggregate_id, aggregate_type, version, event_type, schema_version,
                                       occurred_at, correlation_id, causation_id, actor, payload)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""";

    private EventStoreRows() {
    }

    public static void bind(PreparedStatement insertEvent, EventEnvelope envelope) throws SQLException {
        insertEvent.setObject(1, envelope.eventId());
        insertEvent.setString(2, envelope.aggregateId());
        insertEvent.setString(3, envelope.aggregateType());
        insertEvent.setLong(4, envelope.version());
        insertEvent.setString(5, envelope.eventType());
        insertEvent.setInt(6, envelope.schemaVersion());
        insertEvent.setObject(7, OffsetDateTime.ofInstant(envelope.occurredAt(), ZoneOffset.UTC));
        insertEvent.setString(8, envelope.correlationId());
        insertEvent.setString(9, envelope.causationId());
        insertEvent.setString(10, envelope.actor());
        insertEvent.setString(11, envelope.payload().toString());
    }
}
