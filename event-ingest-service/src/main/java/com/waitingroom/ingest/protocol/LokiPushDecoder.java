package com.waitingroom.ingest.protocol;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Loki's push body — JSON ({@code {"streams":[{"stream":{labels},"values":[["<ns>","line",{metadata}]]}]}})
 * or protobuf {@code logproto.PushRequest} (already snappy-decompressed) — into one record per line.
 * Labels and structured metadata become the event's metadata; see {@link LokiLabels} for service and severity.
 */
public final class LokiPushDecoder {

    private final int maxRecords;

    public LokiPushDecoder(int maxRecords) {
        this.maxRecords = maxRecords;
    }

    public List<LogRecord> decodeJson(byte[] body) {
        JsonNode root = JsonTrees.read(body);
        JsonNode streams = root.path("streams");
        if (!root.isObject() || !streams.isArray()) {
            throw new MalformedPayloadException("the body must be {\"streams\": [...]}");
        }
        List<LogRecord> records = new ArrayList<>();
        for (JsonNode stream : streams) {
            Map<String, String> labels = stringMap(stream.path("stream"), "stream");
            JsonNode values = stream.path("values");
            if (!values.isArray()) {
                throw new MalformedPayloadException("each stream needs a \"values\" array");
            }
            for (JsonNode entry : values) {
                if (!entry.isArray() || entry.size() < 2 || entry.size() > 3 || !entry.get(1).isTextual()) {
                    throw new MalformedPayloadException("each value must be [\"<unix ns>\", \"line\"(, {metadata})]");
                }
                Map<String, String> structured = entry.size() == 3 ? stringMap(entry.get(2), "structured metadata") : Map.of();
                add(records, labels, nanos(entry.get(0)), entry.get(1).textValue(), structured);
            }
        }
        return records;
    }

    public List<LogRecord> decodeProtobuf(byte[] body) {
        List<LogRecord> records = new ArrayList<>();
        ProtoReader request = new ProtoReader(body);
        while (request.next()) {
            if (request.field() != 1) {
                request.skip();
                continue;
            }
            ProtoReader stream = request.message();
            String labelText = "";
            List<ProtoReader> entries = new ArrayList<>();
            while (stream.next()) {
                switch (stream.field()) {
                    case 1 -> labelText = stream.string();
                    case 2 -> entries.add(stream.message());
                    default -> stream.skip();
                }
            }
            Map<String, String> labels = LokiLabels.parse(labelText);
            for (ProtoReader entry : entries) {
                entry(entry, labels, records);
            }
        }
        return records;
    }

    private void entry(ProtoReader entry, Map<String, String> labels, List<LogRecord> records) {
        long seconds = 0;
        long nanos = 0;
        String line = "";
        Map<String, String> structured = new LinkedHashMap<>();
        while (entry.next()) {
            switch (entry.field()) {
                case 1 -> {
                    ProtoReader timestamp = entry.message();
                    while (timestamp.next()) {
                        switch (timestamp.field()) {
                            case 1 -> seconds = timestamp.varint();
                            case 2 -> nanos = timestamp.varint();
                            default -> timestamp.skip();
                        }
                    }
                }
                case 2 -> line = entry.string();
                case 3 -> {
                    ProtoReader pair = entry.message();
                    String name = "";
                    String value = "";
                    while (pair.next()) {
                        switch (pair.field()) {
                            case 1 -> name = pair.string();
                            case 2 -> value = pair.string();
                            default -> pair.skip();
                        }
                    }
                    structured.put(name, value);
                }
                default -> entry.skip();
            }
        }
        // Unix nanoseconds in a long reach the year 2262
        if (seconds < 0 || seconds > 9_223_372_035L || nanos < 0 || nanos >= 1_000_000_000L) {
            throw new MalformedPayloadException("entry timestamp out of range");
        }
        add(records, labels, seconds * 1_000_000_000L + nanos, line, structured);
    }

    private void add(List<LogRecord> records, Map<String, String> labels, long nanos, String line,
            Map<String, String> structured) {
        if (records.size() >= maxRecords) {
            throw new TooManyRecordsException(maxRecords);
        }
        if (nanos <= 0) {
            throw new MalformedPayloadException("entry timestamps must be positive Unix nanoseconds");
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (!labels.isEmpty()) {
            metadata.put("labels", labels);
        }
        if (!structured.isEmpty()) {
            metadata.put("structuredMetadata", structured);
        }
        records.add(new LogRecord(LokiLabels.service(labels), nanos, line, LokiLabels.severity(labels, structured),
                metadata, null, null, null));
    }

    private static long nanos(JsonNode node) {
        try {
            if (node.isTextual()) {
                return Long.parseLong(node.textValue());
            }
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.longValue();
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedPayloadException("entry timestamps must be Unix nanoseconds as a string");
    }

    private static Map<String, String> stringMap(JsonNode node, String what) {
        if (!node.isObject()) {
            throw new MalformedPayloadException(what + " must be an object of string values");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isTextual()) {
                throw new MalformedPayloadException(what + ": " + field.getKey() + " must be a string");
            }
            map.put(field.getKey(), field.getValue().textValue());
        }
        return map;
    }
}
