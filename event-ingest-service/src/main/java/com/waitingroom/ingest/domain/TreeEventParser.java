package com.waitingroom.ingest.domain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@link EventParser}'s path for bodies {@link ValidEventsReader} declined: parses into a JSON tree and
 * reports every invalid field of every item, not only the first one, so a producer can fix a whole batch at
 * once. For a valid body it makes the same events as the reader (they are property-tested against each other).
 */
final class TreeEventParser {

    private static final Set<String> KNOWN_FIELDS = Set.of("eventId", "timestamp", "service", "message", "metadata",
            "severity");

    private final ObjectMapper mapper;
    private final EventParser.Limits limits;

    TreeEventParser(EventParser.Limits limits) {
        this.limits = limits;
        // Nesting is capped well below Jackson's default so hostile deep bodies fail fast (metadata depth is 5 anyway).
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = new ObjectMapper(factory)
                // keep numbers exactly as sent instead of rounding them through double
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** One JSON object, or an array of them. */
    EventParser.Parsed parseJson(byte[] body, Instant now) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed(e.getOriginalMessage());
        } catch (IOException e) {
            throw malformed(e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw InvalidEventsException.of(400, "EMPTY_BODY", "The request body is empty");
        }
        if (root.isObject()) {
            List<FieldError> errors = new ArrayList<>();
            IngestEvent event = toEvent(root, "", errors, now);
            if (!errors.isEmpty()) {
                throw new InvalidEventsException(400, "VALIDATION_FAILED", "The event is invalid", errors, List.of());
            }
            return new EventParser.Parsed(List.of(event), false);
        }
        if (root.isArray()) {
            checkBatchSize(root.size());
            List<JsonNode> items = new ArrayList<>(root.size());
            root.forEach(items::add);
            return new EventParser.Parsed(toEvents(items, now), true);
        }
        throw new InvalidEventsException(400, "VALIDATION_FAILED", "The body must be an event object or an array of events",
                List.of(new FieldError("$", "must be an object or an array")), List.of());
    }

    /** One JSON object per line; a single trailing newline is allowed, empty lines elsewhere are errors. */
    EventParser.Parsed parseNdjson(byte[] body, Instant now) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isBlank()) {
            throw InvalidEventsException.of(400, "EMPTY_BODY", "The request body is empty");
        }
        String[] lines = text.split("\r?\n", -1);
        checkBatchSize(lines.length);
        List<JsonNode> items = new ArrayList<>(lines.length);
        List<FieldError> errors = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            try {
                JsonNode node = lines[i].isBlank() ? null : mapper.readTree(lines[i]);
                if (node == null || node.isMissingNode()) {
                    errors.add(new FieldError("[" + i + "]", "empty line (line " + (i + 1) + ")"));
                    failed.add(i);
                }
                items.add(node);
            } catch (JsonProcessingException e) {
                errors.add(new FieldError("[" + i + "]", "malformed JSON on line " + (i + 1) + ": " + e.getOriginalMessage()));
                failed.add(i);
                items.add(null);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidEventsException(400, "VALIDATION_FAILED", failed.size() + " of " + lines.length + " lines are invalid",
                    errors, failed);
        }
        return new EventParser.Parsed(toEvents(items, now), true);
    }

    private void checkBatchSize(int size) {
        if (size == 0) {
            throw InvalidEventsException.of(400, "EMPTY_BATCH", "The batch contains no events");
        }
        if (size > limits.maxBatchItems()) {
            throw InvalidEventsException.of(413, "BATCH_TOO_LARGE",
                    "The batch has " + size + " events; at most " + limits.maxBatchItems() + " are allowed per request");
        }
    }

    private List<IngestEvent> toEvents(List<JsonNode> items, Instant now) {
        List<IngestEvent> events = new ArrayList<>(items.size());
        List<FieldError> errors = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            int before = errors.size();
            IngestEvent event = toEvent(items.get(i), "[" + i + "]", errors, now);
            if (errors.size() > before) {
                failed.add(i);
            } else {
                events.add(event);
            }
        }
        if (!failed.isEmpty()) {
            throw new InvalidEventsException(400, "VALIDATION_FAILED",
                    failed.size() + " of " + items.size() + " events are invalid; nothing was stored", errors, failed);
        }
        return events;
    }

    private IngestEvent toEvent(JsonNode node, String prefix, List<FieldError> errors, Instant now) {
        if (node == null || !node.isObject()) {
            errors.add(new FieldError(prefix.isEmpty() ? "$" : prefix, "must be an event object"));
            return null;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!KNOWN_FIELDS.contains(name)) {
                errors.add(new FieldError(field(prefix, Texts.truncate(name)), "unknown field"));
            }
        }
        // The fields below report errors under their bare names, prefixed with the item's index afterwards:
        // building five "[i].name" strings for every valid event of a batch cost as much as parsing its timestamp.
        int named = errors.size();
        String eventId = eventId(node.get("eventId"), "eventId", errors, now);
        OffsetDateTime timestamp = timestamp(node.get("timestamp"), "timestamp", errors, now);
        String service = text(node.get("service"), "service", EventParser.MAX_SERVICE_LENGTH, errors);
        String message = text(node.get("message"), "message", EventParser.MAX_MESSAGE_LENGTH, errors);
        String metadata = MetadataJson.toJson(node.get("metadata"), "metadata", errors);
        String severity = severity(node.get("severity"), "severity", errors);
        if (!prefix.isEmpty()) {
            for (int i = named; i < errors.size(); i++) {
                FieldError error = errors.get(i);
                errors.set(i, new FieldError(field(prefix, error.field()), error.message()));
            }
        }
        return new IngestEvent(eventId, timestamp, service, message, metadata, severity, null, null);
    }

    private static String field(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** Optional; stored normalised (TRACE…FATAL), so "warning" and "WARN" are searched alike. */
    private static String severity(JsonNode node, String field, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        Severity severity = node.isTextual() ? Severity.fromWord(node.textValue()) : null;
        if (severity == null) {
            errors.add(new FieldError(field, "must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL"));
            return null;
        }
        return severity.name();
    }

    private static String eventId(JsonNode node, String field, List<FieldError> errors, Instant now) {
        if (node == null || node.isNull()) {
            return EventParser.newEventId(now);
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String value = node.textValue();
        if (!EventParser.isValidEventId(value)) {
            errors.add(new FieldError(field, "must be 1-" + EventParser.MAX_EVENT_ID_LENGTH + " characters of A-Z a-z 0-9 . _ : -"));
            return null;
        }
        return value;
    }

    private OffsetDateTime timestamp(JsonNode node, String field, List<FieldError> errors, Instant now) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        Instant instant;
        if (node.isTextual()) {
            try {
                instant = IsoTimestamps.parse(node.textValue());
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(field, "must be ISO-8601 with an offset (e.g. 2026-01-31T10:15:30.123Z) or epoch millis"));
                return null;
            }
        } else if (node.isIntegralNumber() && node.canConvertToLong()) {
            long millis = node.longValue();
            if (Math.abs(millis) > EventParser.MAX_EPOCH_MILLIS) {
                errors.add(new FieldError(field, "epoch millis out of range"));
                return null;
            }
            instant = Instant.ofEpochMilli(millis);
        } else {
            errors.add(new FieldError(field, "must be an ISO-8601 string with an offset or integer epoch millis"));
            return null;
        }
        Instant oldest = EventParser.retentionCutoff(now, limits.retentionDays());
        if (instant.isBefore(oldest)) {
            errors.add(new FieldError(field, "is older than the retention window (" + limits.retentionDays() + " days, from " + oldest + ")"));
            return null;
        }
        if (instant.isAfter(now.plus(limits.maxFutureSkew()))) {
            errors.add(new FieldError(field, "is more than " + limits.maxFutureSkew().toHours() + " h in the future"));
            return null;
        }
        return IsoTimestamps.utc(instant.truncatedTo(ChronoUnit.MICROS));
    }

    private static String text(JsonNode node, String field, int maxLength, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String value = node.textValue();
        if (value.isBlank()) {
            errors.add(new FieldError(field, "must not be blank"));
            return null;
        }
        if (value.length() > maxLength) {
            errors.add(new FieldError(field, "must be at most " + maxLength + " characters (got " + value.length() + ")"));
            return null;
        }
        String illegal = Texts.illegalCharacter(value);
        if (illegal != null) {
            errors.add(new FieldError(field, illegal));
            return null;
        }
        return value;
    }

    private static InvalidEventsException malformed(String reason) {
        String detail = reason == null ? "Malformed JSON" : "Malformed JSON: " + reason;
        if (detail.length() > 300) {
            detail = detail.substring(0, 300) + "…";
        }
        return InvalidEventsException.of(400, "MALFORMED_JSON", detail);
    }
}
