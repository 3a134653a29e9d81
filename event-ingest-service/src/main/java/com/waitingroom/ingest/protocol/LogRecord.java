package com.waitingroom.ingest.protocol;

import java.util.Map;

import com.waitingroom.ingest.domain.Severity;

/**
 * One log record of an OTLP export or a Loki push, decoded but not yet validated.
 *
 * @param timeNanos the record's time in Unix nanoseconds, 0 when the sender gave none
 * @param metadata JSON-ready values (String, Boolean, Long, Double, List, Map), in the sender's order
 * @param identity further fields that tell two records apart without being stored as columns
 *                 (e.g. OTLP's observed time), part of the derived event id
 */
public record LogRecord(String service, long timeNanos, String message, Severity severity,
        Map<String, Object> metadata, String traceId, String spanId, String identity) {
}
