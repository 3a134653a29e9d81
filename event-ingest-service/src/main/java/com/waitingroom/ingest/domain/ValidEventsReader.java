package com.waitingroom.ingest.domain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * The fast path of {@link EventParser} for bodies that are valid, which is nearly all of them: reads the
 * JSON token by token straight into events, with no JSON tree, and writes each metadata object as it
 * reads it. It returns null at the first thing it does not accept (an unknown field, a bad value, a
 * duplicate key, malformed JSON...), and {@link EventParser} then parses the body again with the tree
 * parser, which reports every error of every item. So this class only has to agree with the tree parser on
 * what is valid and on the events it makes of it (property-tested in {@code ValidEventsReaderTest}), never
 * on error messages.
 *
 * <p>Why: in a batch of 500 small events the tree cost a LinkedHashMap per object, a duplicate-key HashSet
 * per object (Jackson's strict duplicate detection) and a second walk to write the metadata (issue 20).
 */
final class ValidEventsReader {

    private static final int EVENT_ID = 1, TIMESTAMP = 2, SERVICE = 4, MESSAGE = 8, METADATA = 16, SEVERITY = 32;

    /** Duplicate keys are checked here (a bit per known field), not by Jackson's per-object HashSet. */
    private final JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
            .build();
    private final EventParser.Limits limits;

    ValidEventsReader(EventParser.Limits limits) {
        this.limits = limits;
    }

    /** The events of a valid JSON body (one object or an array of them), or null: parse it with the tree. */
    EventParser.Parsed readJson(byte[] body, Instant now) {
        try (JsonParser json = factory.createParser(body)) {
            JsonToken first = json.nextToken();
            List<IngestEvent> events;
            boolean batch;
            if (first == JsonToken.START_OBJECT) {
                IngestEvent event = event(json, now);
                if (event == null) {
                    return null;
                }
                events = List.of(event);
                batch = false;
            } else if (first == JsonToken.START_ARRAY) {
                events = new ArrayList<>(Math.min(limits.maxBatchItems(), 1 + body.length / 64));
                JsonToken token;
                while ((token = json.nextToken()) == JsonToken.START_OBJECT) {
                    IngestEvent event = events.size() < limits.maxBatchItems() ? event(json, now) : null;
                    if (event == null) {
                        return null;
                    }
                    events.add(event);
                }
                if (token != JsonToken.END_ARRAY || events.isEmpty()) {
                    return null;
                }
                batch = true;
            } else {
                return null;
            }
            return json.nextToken() == null ? new EventParser.Parsed(events, batch) : null;
        } catch (IOException | RuntimeException e) {
            return null; // malformed or unusual: the tree parser says what is wrong
        }
    }

    /**
     * The events of a valid NDJSON body (one object per line, at most one trailing newline), or null. The body is
     * decoded as the tree parser decodes it (Java's UTF-8 decoder, each line then parsed as text): parsed as
     * bytes, Jackson would skip a byte-order mark, read a line with NUL bytes as UTF-16 and accept overlong UTF-8
     * forms, where the tree parser sees U+FEFF, NULs and U+FFFD.
     */
    EventParser.Parsed readNdjson(byte[] body, Instant now) {
        char[] text = new String(body, StandardCharsets.UTF_8).toCharArray();
        int end = text.length;
        if (end > 0 && text[end - 1] == '\n') {
            end--;
        }
        if (end > 0 && text[end - 1] == '\r') {
            end--;
        }
        List<IngestEvent> events = new ArrayList<>(Math.min(limits.maxBatchItems(), 1 + end / 64));
        int start = 0;
        while (start <= end) {
            int newline = start;
            while (newline < end && text[newline] != '\n') {
                newline++;
            }
            int lineEnd = newline > start && text[newline - 1] == '\r' ? newline - 1 : newline;
            IngestEvent event = events.size() < limits.maxBatchItems() ? line(text, start, lineEnd, now) : null;
            if (event == null) {
                return null; // also a blank line: the tree parser reports it
            }
            events.add(event);
            start = newline + 1;
        }
        return new EventParser.Parsed(events, true);
    }

    private IngestEvent line(char[] text, int from, int to, Instant now) {
        try (JsonParser json = factory.createParser(text, from, to - from)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            IngestEvent event = event(json, now);
            return event != null && json.nextToken() == null ? event : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** One event object, the parser on its START_OBJECT; null when anything in it is not valid. */
    private IngestEvent event(JsonParser json, Instant now) throws IOException {
        int seen = 0;
        String eventId = null;
        OffsetDateTime timestamp = null;
        String service = null;
        String message = null;
        String metadata = null;
        String severity = null;
        String name;
        while ((name = json.nextFieldName()) != null) {
            int field = switch (name) {
                case "eventId" -> EVENT_ID;
                case "timestamp" -> TIMESTAMP;
                case "service" -> SERVICE;
                case "message" -> MESSAGE;
                case "metadata" -> METADATA;
                case "severity" -> SEVERITY;
                default -> 0;
            };
            if (field == 0 || (seen & field) != 0) {
                return null; // unknown or duplicate field
            }
            seen |= field;
            JsonToken value = json.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue; // the same as absent, for every field
            }
            switch (field) {
                case EVENT_ID -> {
                    eventId = value == JsonToken.VALUE_STRING ? json.getText() : null;
                    if (eventId == null || !EventParser.isValidEventId(eventId)) {
                        return null;
                    }
                }
                case TIMESTAMP -> {
                    timestamp = timestamp(json, value, now);
                    if (timestamp == null) {
                        return null;
                    }
                }
                case SERVICE, MESSAGE -> {
                    String text = value == JsonToken.VALUE_STRING ? json.getText() : null;
                    int max = field == SERVICE ? EventParser.MAX_SERVICE_LENGTH : EventParser.MAX_MESSAGE_LENGTH;
                    if (text == null || text.length() > max || text.isBlank() || Texts.illegalCharacter(text) != null) {
                        return null;
                    }
                    if (field == SERVICE) {
                        service = text;
                    } else {
                        message = text;
                    }
                }
                case METADATA -> {
                    metadata = value == JsonToken.START_OBJECT ? MetadataJson.copy(json) : null;
                    if (metadata == null) {
                        return null;
                    }
                }
                case SEVERITY -> {
                    Severity level = value == JsonToken.VALUE_STRING ? Severity.fromWord(json.getText()) : null;
                    if (level == null) {
                        return null;
                    }
                    severity = level.name();
                }
                default -> throw new IllegalStateException("unknown field " + field);
            }
        }
        if (timestamp == null || service == null || message == null) {
            return null; // a required field is missing
        }
        return new IngestEvent(eventId != null ? eventId : EventParser.newEventId(now), timestamp, service, message,
                metadata, severity, null, null);
    }

    private OffsetDateTime timestamp(JsonParser json, JsonToken value, Instant now) throws IOException {
        Instant instant;
        if (value == JsonToken.VALUE_STRING) {
            try {
                instant = IsoTimestamps.parse(json.getText());
            } catch (DateTimeParseException e) {
                return null;
            }
        } else if (value == JsonToken.VALUE_NUMBER_INT && json.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long millis = json.getLongValue();
            if (Math.abs(millis) > EventParser.MAX_EPOCH_MILLIS) {
                return null;
            }
            instant = Instant.ofEpochMilli(millis);
        } else {
            return null;
        }
        return limits.stored(instant, now);
    }
}
