package com.waitingroom.ingest.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

import com.waitingroom.ingest.domain.Severity;

/**
 * Loki stream labels: parsing the protobuf push's label string ({@code {app="web", level="info"}},
 * values in Go/PromQL string syntax) and the label → service / severity rules.
 */
public final class LokiLabels {

    /** Labels tried for the service, in this order; none of them → {@code unknown_service}. */
    static final String[] SERVICE_LABELS = { "service_name", "service", "app", "job" };
    /** Labels (or structured metadata) tried for the severity, in this order. */
    static final String[] SEVERITY_LABELS = { "level", "detected_level", "severity" };

    private LokiLabels() {
    }

    public static String service(Map<String, String> labels) {
        for (String name : SERVICE_LABELS) {
            String value = labels.get(name);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return "unknown_service";
    }

    public static Severity severity(Map<String, String> labels, Map<String, String> structuredMetadata) {
        for (String name : SEVERITY_LABELS) {
            Severity severity = Severity.fromWord(labels.get(name));
            if (severity == null && structuredMetadata != null) {
                severity = Severity.fromWord(structuredMetadata.get(name));
            }
            if (severity != null) {
                return severity;
            }
        }
        return null;
    }

    /** {@code {name="value", …}}; {@code {}} and an empty string are no labels. */
    public static Map<String, String> parse(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        String s = text.trim();
        if (s.isEmpty()) {
            return labels;
        }
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new MalformedPayloadException("stream labels must look like {name=\"value\", …}");
        }
        int p = 1;
        int end = s.length() - 1;
        while (true) {
            p = skipSpaces(s, p, end);
            if (p >= end) {
                return labels;
            }
            int nameStart = p;
            while (p < end && (Character.isLetterOrDigit(s.charAt(p)) || s.charAt(p) == '_' || s.charAt(p) == '.')) {
                p++;
            }
            String name = s.substring(nameStart, p);
            p = skipSpaces(s, p, end);
            if (name.isEmpty() || p >= end || s.charAt(p) != '=') {
                throw new MalformedPayloadException("stream labels: expected name=\"value\" at " + nameStart);
            }
            p = skipSpaces(s, p + 1, end);
            if (p >= end || s.charAt(p) != '"') {
                throw new MalformedPayloadException("stream labels: label " + name + " has no quoted value");
            }
            StringBuilder value = new StringBuilder();
            p++;
            while (true) {
                if (p >= end) {
                    throw new MalformedPayloadException("stream labels: unterminated value of " + name);
                }
                char c = s.charAt(p++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (p >= end) {
                        throw new MalformedPayloadException("stream labels: unterminated value of " + name);
                    }
                    char escaped = s.charAt(p++);
                    value.append(switch (escaped) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> escaped; // \" \\ and anything else as itself
                    });
                } else {
                    value.append(c);
                }
            }
            labels.put(name, value.toString());
            p = skipSpaces(s, p, end);
            if (p < end) {
                if (s.charAt(p) != ',') {
                    throw new MalformedPayloadException("stream labels: expected ',' after " + name);
                }
                p++;
            }
        }
    }

    private static int skipSpaces(String s, int p, int end) {
        while (p < end && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
        return p;
    }
}
