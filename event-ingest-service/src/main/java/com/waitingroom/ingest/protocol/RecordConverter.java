package com.waitingroom.ingest.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.ingest.domain.EventParser;
import com.waitingroom.ingest.domain.IngestEvent;
import com.waitingroom.ingest.domain.IsoTimestamps;

/**
 * Turns decoded protocol records into storable events: the same limits as POST /events (timestamp
 * within the retention window, service and message length, metadata size), applied per record so
 * that one bad record is refused alone, and a deterministic event id per record.
 *
 * <p>Why deterministic ids: OTLP and Loki carry no event id, and exporters retry a whole request
 * after a timeout or a 429/503. The id is a name-based UUID of a SHA-256 over everything stored
 * (plus the record's identity fields) and the record's occurrence number among byte-identical
 * records of the same request; with the primary key (ts, event_id) a retried request stores each
 * record once, while two identical lines in one request stay two events.
 */
public final class RecordConverter {

    /** The refused records of a request: how many and why (the first few reasons). */
    public record Converted(List<IngestEvent> events, int rejected, String rejectionMessage) {
    }

    private static final int MAX_REASONS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final int retentionDays;
    private final Duration maxFutureSkew;

    public RecordConverter(Clock clock, int retentionDays, Duration maxFutureSkew) {
        this.clock = clock;
        this.retentionDays = retentionDays;
        this.maxFutureSkew = maxFutureSkew;
    }

    public Converted convert(List<LogRecord> records) {
        Instant now = clock.instant();
        Instant oldest = EventParser.retentionCutoff(now, retentionDays);
        Instant newest = now.plus(maxFutureSkew);
        long receivedNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        List<IngestEvent> events = new ArrayList<>(records.size());
        Map<String, Integer> occurrences = new HashMap<>();
        List<String> reasons = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < records.size(); i++) {
            LogRecord record = records.get(i);
            String metadata = metadataJson(record.metadata());
            String problem = problem(record, metadata, oldest, newest);
            if (problem != null) {
                rejected++;
                if (reasons.size() < MAX_REASONS) {
                    reasons.add("record " + i + ": " + problem);
                }
                continue;
            }
            long nanos = record.timeNanos() != 0 ? record.timeNanos() : receivedNanos;
            String digest = digest(record, nanos, metadata);
            int occurrence = occurrences.merge(digest, 1, Integer::sum);
            Instant time = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
            events.add(new IngestEvent(eventId(digest, occurrence), IsoTimestamps.utc(time.truncatedTo(ChronoUnit.MICROS)),
                    record.service(), record.message(), metadata,
                    record.severity() == null ? null : record.severity().name(), record.traceId(), record.spanId()));
        }
        String message = rejected == 0 ? null
                : rejected + " of " + records.size() + " log records rejected: " + String.join("; ", reasons)
                        + (rejected > reasons.size() ? "; …" : "");
        return new Converted(events, rejected, message);
    }

    private static String problem(LogRecord record, String metadata, Instant oldest, Instant newest) {
        if (record.timeNanos() != 0) {
            Instant time = Instant.ofEpochSecond(Math.floorDiv(record.timeNanos(), 1_000_000_000L));
            if (time.isBefore(oldest)) {
                return "timestamp is older than the retention window (from " + oldest + ")";
            }
            if (time.isAfter(newest)) {
                return "timestamp is too far in the future";
            }
        }
        if (record.service().isEmpty() || record.service().length() > EventParser.MAX_SERVICE_LENGTH) {
            return "service name must be 1-" + EventParser.MAX_SERVICE_LENGTH + " characters";
        }
        if (record.message().length() > EventParser.MAX_MESSAGE_LENGTH) {
            return "body longer than " + EventParser.MAX_MESSAGE_LENGTH + " characters";
        }
        if (metadata != null && metadata.length() > EventParser.MAX_METADATA_BYTES) {
            return "attributes/labels larger than " + EventParser.MAX_METADATA_BYTES + " bytes as JSON";
        }
        if (record.message().indexOf('\0') >= 0 || (metadata != null && metadata.contains("\\u0000"))) {
            return "contains a NUL character, which PostgreSQL text cannot store";
        }
        return null;
    }

    private static String metadataJson(Map<String, Object> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metadata holds only JSON-ready values", e);
        }
    }

    private static String digest(LogRecord record, long nanos, String metadata) {
        MessageDigest sha = sha256();
        for (String part : new String[] { Long.toString(nanos), record.service(), record.message(),
                record.severity() == null ? "" : record.severity().name(), metadata == null ? "" : metadata,
                record.traceId() == null ? "" : record.traceId(), record.spanId() == null ? "" : record.spanId(),
                record.identity() == null ? "" : record.identity() }) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            // length-prefixed, so that ("ab","c") and ("a","bc") differ
            sha.update(new byte[] { (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8),
                    (byte) bytes.length });
            sha.update(bytes);
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    /** RFC 9562 version-8 (custom) UUID from the first 128 bits of SHA-256(digest, occurrence). */
    static String eventId(String digest, int occurrence) {
        MessageDigest sha = sha256();
        sha.update((digest + "#" + occurrence).getBytes(StandardCharsets.UTF_8));
        byte[] hash = sha.digest();
        hash[6] = (byte) ((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte) ((hash[8] & 0x3F) | 0x80);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (hash[i] & 0xFF);
            low = (low << 8) | (hash[8 + i] & 0xFF);
        }
        return new UUID(high, low).toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
