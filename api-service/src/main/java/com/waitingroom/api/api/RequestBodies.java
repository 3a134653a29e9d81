package com.waitingroom.api.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.waitingroom.api.domain.InvalidCommandException;

import java.io.IOException;
import java.util.stream.Collectors;

/**
 * Parses command bodies by hand rather than letting JAX-RS bind them, so that malformed JSON and
 * wrong field types become the suite's problem+json 400s and the exact body can be hashed for
 * idempotency.
 */
public final class RequestBodies {

    public static final String MALFORMED_JSON = "MALFORMED_JSON";

    private RequestBodies() {
    }

    /** The body as a JSON tree; an empty body is {@code null} (allowed for commands whose fields are all optional). */
    public static JsonNode tree(byte[] body) {
        if (body == null || body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(body);
            if (!tree.isObject()) {
                throw ProblemException.badRequest(MALFORMED_JSON, "the request body must be a JSON object");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest(MALFORMED_JSON, "the request body is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw ProblemException.badRequest(MALFORMED_JSON, "the request body cannot be read");
        }
    }

    /** Binds a body to a request record; a missing body binds to {@code emptyValue} (or is a 400 when null). */
    public static <T> T bind(JsonNode tree, Class<T> type, T emptyValue) {
        if (tree == null) {
            if (emptyValue == null) {
                throw new InvalidCommandException("body", "a JSON request body is required");
            }
            return emptyValue;
        }
        try {
            return Json.MAPPER.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw new InvalidCommandException(field.isEmpty() ? "body" : field, "has the wrong type or format");
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest(MALFORMED_JSON, "the request body cannot be read: " + e.getOriginalMessage());
        }
    }
}
