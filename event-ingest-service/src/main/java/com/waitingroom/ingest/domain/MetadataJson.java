package com.waitingroom.ingest.domain;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An event's {@code metadata}: checked (depth, keys, the values PostgreSQL's jsonb would refuse) and written
 * as compact JSON for the jsonb column. Written here rather than with {@code ObjectMapper.writeValueAsString}:
 * that sets up a generator and a serializer provider for every event, a fifth of the parser's time in a
 * batch of 500 (issue 20); jsonb parses the text again anyway, so only its meaning has to be the same.
 */
final class MetadataJson {

    static final int MAX_BYTES = EventParser.MAX_METADATA_BYTES;
    static final int MAX_DEPTH = EventParser.MAX_METADATA_DEPTH;
    static final int MAX_KEYS = EventParser.MAX_METADATA_KEYS;
    /** PostgreSQL numeric cannot hold arbitrary exponents; JSON numbers beyond this are refused. */
    private static final int MAX_NUMBER_EXPONENT = 1000;
    /** Keys of one object checked for duplicates by a linear scan; a larger object uses a set. */
    private static final int SMALL_OBJECT = 8;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private MetadataJson() {
    }

    /** The metadata as compact JSON, null when absent or invalid (then {@code errors} says why). */
    static String toJson(JsonNode node, String field, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(field, "must be a JSON object"));
            return null;
        }
        int before = errors.size();
        int[] keys = { 0 };
        check(node, field, 1, keys, errors);
        if (errors.size() > before) {
            return null;
        }
        if (keys[0] > MAX_KEYS) {
            errors.add(new FieldError(field, "must have at most " + MAX_KEYS + " keys in total (got " + keys[0] + ")"));
            return null;
        }
        StringBuilder json = new StringBuilder(64);
        write(node, json);
        int bytes = utf8Length(json);
        if (bytes > MAX_BYTES) {
            errors.add(new FieldError(field, "must be at most " + MAX_BYTES + " bytes of JSON (got " + bytes + ")"));
            return null;
        }
        return json.toString();
    }

    /** Depth, keys and the values PostgreSQL's jsonb would refuse (NUL, lone surrogates, huge exponents). */
    private static void check(JsonNode node, String path, int depth, int[] keys, List<FieldError> errors) {
        if (node.isContainerNode() && depth > MAX_DEPTH) {
            errors.add(new FieldError(path, "nesting deeper than " + MAX_DEPTH + " levels"));
            return;
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext() && errors.size() < 50) {
                Map.Entry<String, JsonNode> entry = fields.next();
                keys[0]++;
                String illegalKey = Texts.illegalCharacter(entry.getKey());
                if (illegalKey != null) {
                    errors.add(new FieldError(path + "." + Texts.truncate(entry.getKey()), "key " + illegalKey));
                }
                JsonNode value = entry.getValue();
                if (value.isContainerNode() || value.isTextual() || value.isBigDecimal()) {
                    check(value, path + "." + Texts.truncate(entry.getKey()), depth + 1, keys, errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size() && errors.size() < 50; i++) {
                check(node.get(i), path + "[" + i + "]", depth + 1, keys, errors);
            }
        } else if (node.isTextual()) {
            String illegal = Texts.illegalCharacter(node.textValue());
            if (illegal != null) {
                errors.add(new FieldError(path, illegal));
            }
        } else if (node.isBigDecimal()) {
            if (!inRange(node.decimalValue())) {
                errors.add(new FieldError(path, "number out of range"));
            }
        }
    }

    /** Whether PostgreSQL's numeric (so jsonb) can hold this number. */
    static boolean inRange(BigDecimal value) {
        return Math.abs(value.scale()) <= MAX_NUMBER_EXPONENT
                && Math.abs(value.precision() - value.scale()) <= MAX_NUMBER_EXPONENT;
    }

    /** Compact JSON of a checked tree: the same text Jackson writes for it (numbers as their nodes print them). */
    static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            boolean first = true;
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> entry = fields.next();
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(entry.getKey(), out);
                out.append(':');
                write(entry.getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else if (node.isNumber()) {
            out.append(node.isBigDecimal() ? node.decimalValue().toString() : node.asText());
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else {
            out.append("null");
        }
    }

    static void string(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** UTF-8 length of checked text (no lone surrogates: a pair is 4 bytes). */
    static int utf8Length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /**
     * The metadata object the parser is on (its START_OBJECT was just read), read on as compact JSON: the same
     * text {@link #toJson} writes from its tree; null when it breaks a rule (depth, keys, size, characters, numbers,
     * duplicate keys), and then the tree tells which (used by {@link ValidEventsReader}).
     */
    static String copy(JsonParser json) throws IOException {
        StringBuilder out = new StringBuilder(64);
        int[] keys = { 0 };
        if (!object(json, out, 1, keys) || keys[0] > MAX_KEYS) {
            return null;
        }
        return utf8Length(out) <= MAX_BYTES ? out.toString() : null;
    }

    /** Copies an object whose START_OBJECT was just read; false when something in it is not accepted. */
    private static boolean object(JsonParser json, StringBuilder out, int depth, int[] keys) throws IOException {
        if (depth > MAX_DEPTH) {
            return false;
        }
        out.append('{');
        int start = out.length();
        List<String> names = new ArrayList<>(4);
        Set<String> manyNames = null;
        String name;
        while ((name = json.nextFieldName()) != null) {
            if (++keys[0] > MAX_KEYS || Texts.illegalCharacter(name) != null) {
                return false;
            }
            if (manyNames == null && names.size() == SMALL_OBJECT) {
                manyNames = new HashSet<>(names);
            }
            if (manyNames != null ? !manyNames.add(name) : names.contains(name)) {
                return false; // a duplicate key: the tree parser refuses the body
            }
            names.add(name);
            if (out.length() > start) {
                out.append(',');
            }
            string(name, out);
            out.append(':');
            if (!value(json, json.nextToken(), out, depth, keys)) {
                return false;
            }
        }
        out.append('}');
        return true;
    }

    private static boolean value(JsonParser json, JsonToken token, StringBuilder out, int depth, int[] keys)
            throws IOException {
        switch (token) {
            case START_OBJECT -> {
                return object(json, out, depth + 1, keys);
            }
            case START_ARRAY -> {
                if (depth + 1 > MAX_DEPTH) {
                    return false;
                }
                out.append('[');
                int start = out.length();
                JsonToken item;
                while ((item = json.nextToken()) != JsonToken.END_ARRAY) {
                    if (out.length() > start) {
                        out.append(',');
                    }
                    if (!value(json, item, out, depth + 1, keys)) {
                        return false;
                    }
                }
                out.append(']');
                return true;
            }
            case VALUE_STRING -> {
                String text = json.getText();
                if (Texts.illegalCharacter(text) != null) {
                    return false;
                }
                string(text, out);
                return true;
            }
            case VALUE_NUMBER_INT -> {
                // as the tree's IntNode/LongNode/BigIntegerNode print it (so "-0" is "0", as there)
                switch (json.getNumberType()) {
                    case INT -> out.append(json.getIntValue());
                    case LONG -> out.append(json.getLongValue());
                    default -> out.append(json.getBigIntegerValue());
                }
                return true;
            }
            case VALUE_NUMBER_FLOAT -> {
                // the tree's DecimalNode strips trailing zeros (1.50 is 1.5, 100.0 is 1E+2): so does this
                BigDecimal number = json.getDecimalValue().stripTrailingZeros();
                if (!inRange(number)) {
                    return false;
                }
                out.append(number);
                return true;
            }
            case VALUE_TRUE -> out.append("true");
            case VALUE_FALSE -> out.append("false");
            case VALUE_NULL -> out.append("null");
            default -> {
                return false;
            }
        }
        return true;
    }
}
