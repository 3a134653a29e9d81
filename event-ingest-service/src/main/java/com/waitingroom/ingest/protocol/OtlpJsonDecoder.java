package com.waitingroom.ingest.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.waitingroom.ingest.domain.TraceContext;

/**
 * {@code ExportLogsServiceRequest} in the OTLP/JSON mapping: lowerCamelCase fields, trace and span
 * ids as hex, enums as integers (names accepted too), 64-bit integers as strings or numbers.
 * Unknown fields are ignored, as the spec asks of receivers.
 */
public final class OtlpJsonDecoder {

    private final int maxRecords;

    public OtlpJsonDecoder(int maxRecords) {
        this.maxRecords = maxRecords;
    }

    public List<LogRecord> decode(byte[] body) {
        JsonNode root = JsonTrees.read(body);
        if (!root.isObject()) {
            throw new MalformedPayloadException("the body must be an ExportLogsServiceRequest object");
        }
        List<LogRecord> records = new ArrayList<>();
        for (JsonNode resourceLogs : array(root, "resourceLogs")) {
            Map<String, Object> resource = attributes(resourceLogs.path("resource").path("attributes"), 0);
            for (JsonNode scopeLogs : array(resourceLogs, "scopeLogs")) {
                JsonNode scopeNode = scopeLogs.path("scope");
                OtlpRecordMapping.Scope scope = new OtlpRecordMapping.Scope(resource, text(scopeNode, "name"),
                        text(scopeNode, "version"), attributes(scopeNode.path("attributes"), 0));
                for (JsonNode logRecord : array(scopeLogs, "logRecords")) {
                    if (records.size() >= maxRecords) {
                        throw new TooManyRecordsException(maxRecords);
                    }
                    records.add(OtlpRecordMapping.toRecord(scope, fields(logRecord)));
                }
            }
        }
        return records;
    }

    private static OtlpRecordMapping.Fields fields(JsonNode node) {
        if (!node.isObject()) {
            throw new MalformedPayloadException("a logRecord must be an object");
        }
        OtlpRecordMapping.Fields fields = new OtlpRecordMapping.Fields();
        fields.timeUnixNano = int64(node.get("timeUnixNano"), "timeUnixNano");
        fields.observedTimeUnixNano = int64(node.get("observedTimeUnixNano"), "observedTimeUnixNano");
        fields.severityNumber = severityNumber(node.get("severityNumber"));
        fields.severityText = text(node, "severityText");
        if (node.hasNonNull("body")) {
            fields.body = anyValue(node.get("body"), 0);
            fields.hasBody = true;
        }
        fields.attributes = attributes(node.path("attributes"), 0);
        fields.traceId = hexId(text(node, "traceId"), TraceContext.TRACE_ID_HEX_LENGTH, "traceId");
        fields.spanId = hexId(text(node, "spanId"), TraceContext.SPAN_ID_HEX_LENGTH, "spanId");
        fields.flags = (int) int64(node.get("flags"), "flags");
        fields.eventName = text(node, "eventName");
        return fields;
    }

    private static Iterable<JsonNode> array(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new MalformedPayloadException(field + " must be an array");
        }
        return node;
    }

    private static String text(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new MalformedPayloadException(field + " must be a string");
        }
        return node.textValue();
    }

    private static long int64(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return 0;
        }
        try {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.longValue();
            }
            if (node.isTextual()) {
                return Long.parseUnsignedLong(node.textValue());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedPayloadException(field + " must be a 64-bit integer (number or decimal string)");
    }

    private static int severityNumber(JsonNode node) {
        if (node != null && node.isTextual() && node.textValue().startsWith("SEVERITY_NUMBER_")) {
            String name = node.textValue().substring("SEVERITY_NUMBER_".length()).toUpperCase(Locale.ROOT);
            String[] levels = { "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" };
            for (int level = 0; level < levels.length; level++) {
                if (name.startsWith(levels[level])) {
                    String suffix = name.substring(levels[level].length());
                    if (!suffix.matches("[1-4]?")) {
                        throw new MalformedPayloadException("unknown severityNumber " + node.textValue());
                    }
                    return level * 4 + (suffix.isEmpty() ? 1 : suffix.charAt(0) - '0');
                }
            }
            return 0;
        }
        long value = int64(node, "severityNumber");
        if (value < 0 || value > 24) {
            throw new MalformedPayloadException("severityNumber must be 0-24");
        }
        return (int) value;
    }

    private static String hexId(String text, int length, String field) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String hex = text.toLowerCase(Locale.ROOT);
        if (!TraceContext.isHex(hex, length)) {
            throw new MalformedPayloadException(field + " must be " + length + " hexadecimal digits");
        }
        return TraceContext.nullIfZero(hex);
    }

    private static Map<String, Object> attributes(JsonNode node, int depth) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return values;
        }
        if (!node.isArray()) {
            throw new MalformedPayloadException("attributes must be an array of {key, value}");
        }
        for (JsonNode keyValue : node) {
            String key = text(keyValue, "key");
            values.put(key == null ? "" : key, keyValue.hasNonNull("value") ? anyValue(keyValue.get("value"), depth + 1) : null);
        }
        return values;
    }

    private static Object anyValue(JsonNode node, int depth) {
        if (depth > OtlpRecordMapping.MAX_VALUE_DEPTH) {
            throw new MalformedPayloadException("values nested deeper than " + OtlpRecordMapping.MAX_VALUE_DEPTH);
        }
        if (!node.isObject()) {
            throw new MalformedPayloadException("an AnyValue must be an object such as {\"stringValue\": …}");
        }
        if (node.has("stringValue")) {
            return text(node, "stringValue");
        }
        if (node.has("boolValue")) {
            return node.get("boolValue").asBoolean();
        }
        if (node.has("intValue")) {
            JsonNode value = node.get("intValue");
            try {
                return value.isTextual() ? Long.parseLong(value.textValue()) : int64(value, "intValue");
            } catch (NumberFormatException e) {
                throw new MalformedPayloadException("intValue must be a 64-bit integer");
            }
        }
        if (node.has("doubleValue")) {
            JsonNode value = node.get("doubleValue");
            if (value.isNumber()) {
                return OtlpProtobufDecoder.finite(value.doubleValue());
            }
            return text(node, "doubleValue"); // "NaN", "Infinity" in the proto3 JSON mapping
        }
        if (node.has("arrayValue")) {
            List<Object> values = new ArrayList<>();
            for (JsonNode value : array(node.get("arrayValue"), "values")) {
                values.add(anyValue(value, depth + 1));
            }
            return values;
        }
        if (node.has("kvlistValue")) {
            return attributes(node.get("kvlistValue").path("values"), depth + 1);
        }
        if (node.has("bytesValue")) {
            return text(node, "bytesValue"); // base64 in both the JSON mapping and our metadata
        }
        return null;
    }
}
