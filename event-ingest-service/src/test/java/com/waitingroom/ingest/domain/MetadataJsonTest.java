package com.waitingroom.ingest.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The hand-written metadata JSON must say exactly what Jackson's serialization of the same tree says. */
class MetadataJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"n\": 1}",
            "{}",
            "{\"room\":\"B2\",\"site\":\"north\",\"paid\":true,\"refund\":false,\"note\":null}",
            "{\"big\": 123456789012345678901234567890, \"neg\": -42, \"long\": 9007199254740993}",
            "{\"f\": 1.50, \"e\": 1e3, \"small\": -2.5E-7, \"zero\": 0.0, \"exact\": 0.1}",
            "{\"quote\": \"say \\\"hi\\\"\", \"back\\\\slash\": \"a\\\\b\", \"ctl\": \"\\u0001\\b\\f\\n\\r\\t\\u001f\"}",
            "{\"unicode\": \"café ✓ 😀 \\u00e9\", \"😀key\": \"x\", \"slash\": \"a/b\"}",
            "{\"nested\": {\"a\": [1, \"two\", {\"three\": [true, null]}], \"empty\": [], \"o\": {}}}",
            "{\"dup-like\": \"a\", \"dup_like\": \"b\", \"order\": [3, 2, 1]}"
    })
    void writesWhatJacksonWrites(String metadata) throws Exception {
        JsonNode tree = MAPPER.readTree(metadata);
        List<FieldError> errors = new ArrayList<>();
        String ours = MetadataJson.toJson(tree, "metadata", errors);
        assertTrue(errors.isEmpty(), errors.toString());
        String jackson = MAPPER.writeValueAsString(tree);
        assertEquals(jackson, ours);
        assertEquals(MAPPER.readTree(jackson), MAPPER.readTree(ours));
    }

    @ParameterizedTest
    @ValueSource(ints = { 16 * 1024 - 11, 16 * 1024 - 10, 16 * 1024 - 9 })
    void countsUtf8BytesAgainstTheLimit(int asciiLength) {
        // {"k":"…"} is 8 bytes + the value; "é" takes 2 bytes in UTF-8, 1 char
        String value = "é" + "a".repeat(asciiLength - 1);
        JsonNode tree = MAPPER.createObjectNode().put("k", value);
        List<FieldError> errors = new ArrayList<>();
        String json = MetadataJson.toJson(tree, "metadata", errors);
        int bytes = MAPPER.createObjectNode().put("k", value).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes <= MetadataJson.MAX_BYTES) {
            assertEquals(List.of(), errors);
        } else {
            assertNull(json);
            assertEquals("must be at most 16384 bytes of JSON (got " + bytes + ")", errors.get(0).message());
        }
    }
}
