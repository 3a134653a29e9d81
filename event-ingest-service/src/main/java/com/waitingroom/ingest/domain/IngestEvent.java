package com.waitingroom.ingest.domain;

import java.time.OffsetDateTime;

/**
 * A validated event ready to be stored. The timestamp is in UTC and truncated to microseconds
 * (PostgreSQL's precision) so that what we acknowledge is exactly what is stored and paged.
 *
 * @param metadataJson the metadata object as compact JSON, or null when absent
 * @param severity one of {@link Severity}'s names, or null when unknown
 * @param traceId 32 lowercase hex digits, or null
 * @param spanId 16 lowercase hex digits, or null
 */
public record IngestEvent(String eventId, OffsetDateTime timestamp, String service, String message,
        String metadataJson, String severity, String traceId, String spanId) {

    /** An event without severity or trace context (the suite's own format before issue 18). */
    public IngestEvent(String eventId, OffsetDateTime timestamp, String service, String message, String metadataJson) {
        this(eventId, timestamp, service, message, metadataJson, null, null, null);
    }
}
