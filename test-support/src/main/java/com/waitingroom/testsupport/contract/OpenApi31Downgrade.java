package com.waitingroom.testsupport.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites the OpenAPI 3.1 features the suite's documents use into their 3.0 spelling, because the
 * request validator ({@code swagger-request-validator}) understands OpenAPI 3.0 only: {@code type: [X,
 * "null"]} becomes {@code type: X, nullable: true}, {@code const} a one-value {@code enum}, numeric
 * {@code exclusiveMinimum/Maximum} the 3.0 boolean form, {@code anyOf: [reference, null]} a nullable copy of the
 * referenced schema, and schema {@code examples} arrays are dropped
 * (documentation only). A type list it cannot express in 3.0 fails loudly rather than checking less.
 */
final class OpenApi31Downgrade {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenApi31Downgrade() {
    }

    static String toOpenApi30(String document) {
        try {
            JsonNode root = JSON.readTree(document);
            if (!(root instanceof ObjectNode object) || !object.path("openapi").asText().startsWith("3.1")) {
                return document;
            }
            object.put("openapi", "3.0.3");
            object.remove(List.of("jsonSchemaDialect", "webhooks"));
            rewrite(object, object.path("components").path("schemas"));
            return JSON.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the OpenAPI document is not JSON (fetch it with ?format=json)", e);
        }
    }

    private static void rewrite(JsonNode node, JsonNode schemas) {
        if (node instanceof ObjectNode object) {
            rewriteSchemaKeywords(object, schemas);
            object.elements().forEachRemaining(child -> rewrite(child, schemas));
        } else if (node instanceof ArrayNode array) {
            array.elements().forEachRemaining(child -> rewrite(child, schemas));
        }
    }

    private static boolean isNullType(JsonNode schema) {
        return schema.size() == 1 && "null".equals(schema.path("type").asText());
    }

    private static void rewriteSchemaKeywords(ObjectNode object, JsonNode schemas) {
        JsonNode type = object.get("type");
        if (type instanceof ArrayNode types) {
            List<String> named = new ArrayList<>();
            types.forEach(t -> named.add(t.asText()));
            boolean nullable = named.remove("null");
            if (named.size() != 1) {
                throw new IllegalStateException("type " + types + " has no OpenAPI 3.0 form");
            }
            object.put("type", named.get(0));
            if (nullable) {
                object.put("nullable", true);
            }
        }
        // anyOf: [{$ref: X}, {type: null}] (a nullable reference): a copy of X + nullable in 3.0 (the
        // validator ignores nullable beside a $ref or around an allOf).
        if (object.get("anyOf") instanceof ArrayNode anyOf && anyOf.size() == 2) {
            JsonNode other = isNullType(anyOf.get(0)) ? anyOf.get(1) : isNullType(anyOf.get(1)) ? anyOf.get(0) : null;
            String ref = other == null ? "" : other.path("$ref").asText();
            JsonNode target = schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
            if (ref.startsWith("#/components/schemas/") && target.isObject()) {
                object.remove("anyOf");
                object.setAll(((ObjectNode) target).deepCopy());
                object.put("nullable", true);
            }
        }
        JsonNode constant = object.get("const");
        if (constant != null && !constant.isObject()) {
            object.remove("const");
            object.putArray("enum").add(constant);
        }
        for (String bound : List.of("exclusiveMinimum", "exclusiveMaximum")) {
            JsonNode value = object.get(bound);
            if (value != null && value.isNumber()) {
                object.set(bound.equals("exclusiveMinimum") ? "minimum" : "maximum", value);
                object.put(bound, true);
            }
        }
        if (object.get("examples") instanceof ArrayNode) {
            object.remove("examples");
        }
        object.remove(List.of("$schema", "contentMediaType", "contentEncoding"));
    }
}
