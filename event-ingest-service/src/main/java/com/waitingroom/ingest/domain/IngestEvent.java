package com.waitingroom.ingest.domain;

import java.time.OffsetDateTime;

/**
 * A validated event ready to be stored. The timestamp is in UTC and truncated to microseconds
 * (PostgreSQL's precision) so that what we acknowledge is exactly what is stored and paged.
 *
 * @param metadataJson the metadata object as compact JSON, or null when absent
 */
public record IngestEvent(String eventId, OffsetDateTime timestamp, String service, String message,
        String metadataJson) {
}
