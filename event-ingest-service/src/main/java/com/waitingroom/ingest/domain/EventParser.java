package com.waitingroom.ingest.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

import com.waitingroom.kernel.EventIds;

/**
 * Turns a request body (one JSON object, a JSON array or NDJSON lines) into validated events. A batch is
 * all-or-nothing: one bad item rejects the request, with every invalid field of every item reported.
 * A body is first read by {@link ValidEventsReader} (token by token, no tree: the valid bodies that are nearly
 * all of them); one it declines is parsed again by {@link TreeEventParser}, which says what is wrong.
 */
public final class EventParser {

    public static final int MAX_SERVICE_LENGTH = 100;
    public static final int MAX_MESSAGE_LENGTH = 2000;
    public static final int MAX_EVENT_ID_LENGTH = 100;
    public static final int MAX_METADATA_BYTES = 16 * 1024;
    public static final int MAX_METADATA_DEPTH = 5;
    public static final int MAX_METADATA_KEYS = 100;
    /** Epoch millis beyond year 9999 are refused. */
    static final long MAX_EPOCH_MILLIS = 253_402_300_799_999L;

    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:\\-]+");

    private final Clock clock;
    private final ValidEventsReader validEvents;
    private final TreeEventParser tree;

    /** The limits both parsing paths apply. */
    record Limits(int maxBatchItems, int retentionDays, Duration maxFutureSkew) {

        /** The timestamp as stored (UTC, microseconds), or null when it is outside the retention window or too far ahead. */
        OffsetDateTime stored(Instant instant, Instant now) {
            if (instant.isBefore(retentionCutoff(now, retentionDays)) || instant.isAfter(now.plus(maxFutureSkew))) {
                return null;
            }
            return IsoTimestamps.utc(instant.truncatedTo(ChronoUnit.MICROS));
        }
    }

    public EventParser(Clock clock, int maxBatchItems, int retentionDays, Duration maxFutureSkew) {
        this.clock = clock;
        Limits limits = new Limits(maxBatchItems, retentionDays, maxFutureSkew);
        this.validEvents = new ValidEventsReader(limits);
        this.tree = new TreeEventParser(limits);
    }

    /** Result of parsing: the events, and whether the request was a batch (array / NDJSON). */
    public record Parsed(List<IngestEvent> events, boolean batch) {
    }

    /** One JSON object or an array of them. */
    public Parsed parseJson(byte[] body) {
        Instant now = clock.instant();
        Parsed valid = validEvents.readJson(body, now);
        return valid != null ? valid : tree.parseJson(body, now);
    }

    /** One JSON object per line; a single trailing newline is allowed, empty lines elsewhere are errors. */
    public Parsed parseNdjson(byte[] body) {
        Instant now = clock.instant();
        Parsed valid = validEvents.readNdjson(body, now);
        return valid != null ? valid : tree.parseNdjson(body, now);
    }

    /** {@link #parseJson} by the tree parser alone (for the differential test). */
    Parsed parseJsonReportingErrors(byte[] body) {
        return tree.parseJson(body, clock.instant());
    }

    /** {@link #parseNdjson} by the tree parser alone (for the differential test). */
    Parsed parseNdjsonReportingErrors(byte[] body) {
        return tree.parseNdjson(body, clock.instant());
    }

    /** 1 to {@value #MAX_EVENT_ID_LENGTH} characters of A-Z a-z 0-9 . _ : - */
    static boolean isValidEventId(String value) {
        return !value.isEmpty() && value.length() <= MAX_EVENT_ID_LENGTH && EVENT_ID.matcher(value).matches();
    }

    /** Events before this instant are out of retention: start of the UTC day {@code retentionDays} ago. */
    public static Instant retentionCutoff(Instant now, int retentionDays) {
        return now.truncatedTo(ChronoUnit.DAYS).minus(retentionDays, ChronoUnit.DAYS);
    }

    /**
     * A time-ordered (version 7) UUID from the kernel: ids that grow with time keep the inserts into
     * the (ts, event_id) and (service, ts, event_id) indexes at their right edge, which stays in shared
     * buffers, instead of scattering them over the whole index when many events share a timestamp.
     */
    static String newEventId(Instant now) {
        return EventIds.newId(now).toString();
    }
}
