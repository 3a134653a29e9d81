package com.waitingroom.testsupport.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the contract filter lets through and what it fails, on a small OpenAPI 3.1 document. */
class OpenApiContractTest {

    private static final String DOCUMENT = """
            {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
             "paths": {"/things": {"post": {
               "requestBody": {"required": true, "content": {"application/json": {"schema": {
                 "type": "object", "properties": {"name": {"type": "string"}, "note": {"type": ["string", "null"]},
                   "when": {"anyOf": [{"$ref": "#/components/schemas/Instant"}, {"type": "null"}]}},
                 "required": ["name"]}}}},
               "responses": {
                 "201": {"description": "created", "content": {"application/json": {"schema": {
                   "type": "object", "required": ["id"],
                   "properties": {"id": {"type": "string"}, "count": {"type": "integer", "const": 1}}}}}},
                 "400": {"description": "bad", "content": {"application/problem+json": {"schema": {
                   "type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}}}}}}}}},
             "components": {"schemas": {"Instant": {"type": "string", "format": "date-time"}}}}
            """;

    private final OpenApiInteractionValidator validator = OpenApiContract.validatorFor(DOCUMENT);

    @Test
    void aDocumentedExchangePassesWith31NullableAndConst() {
        assertEquals(List.of(), violations(post("/things", "{\"name\": \"a\", \"note\": null, \"when\": null}"),
                json(201, "application/json", "{\"id\": \"1\", \"count\": 1}")));
    }

    @Test
    void aNullableReferenceStillChecksItsTarget() {
        assertEquals(List.of(), violations(post("/things", "{\"name\": \"a\", \"when\": \"2026-01-01T00:00:00Z\"}"),
                json(201, "application/json", "{\"id\": \"1\"}")));
        assertKeys(violations(post("/things", "{\"name\": \"a\", \"when\": 5}"), json(201, "application/json", "{\"id\": \"1\"}")),
                "validation.request.body.schema.type");
    }

    @Test
    void anUndocumentedStatusFails() {
        assertKeys(violations(post("/things", "{\"name\": \"a\"}"), json(500, "application/json", "{}")),
                "validation.response.status.unknown");
    }

    @Test
    void aResponseBodyOffTheSchemaOrMediaTypeFails() {
        assertKeys(violations(post("/things", "{\"name\": \"a\"}"), json(201, "application/json", "{\"count\": 2}")),
                "validation.response.body.schema.required", "validation.response.body.schema.enum");
        assertKeys(violations(post("/things", "{}"), json(400, "application/json", "{\"code\": \"X\"}")),
                "validation.response.contentType.notAllowed");
    }

    @Test
    void anAcceptedRequestMustMatchTheDocumentARefusedOneNeedNot() {
        assertKeys(violations(post("/things", "{\"note\": 3}"), json(201, "application/json", "{\"id\": \"1\"}")),
                "validation.request.body.schema.required", "validation.request.body.schema.type");
        assertEquals(List.of(), violations(post("/things", "{\"note\": 3}"),
                json(400, "application/problem+json", "{\"code\": \"VALIDATION_FAILED\"}")));
    }

    @Test
    void anUndocumentedRouteMayOnlyBeAnsweredNotFoundOrUnauthorized() {
        assertEquals(List.of(), violations(post("/nothing", "{}"), json(404, "application/problem+json", "{}")));
        assertEquals(List.of(), violations(post("/nothing", "{}"), json(401, "application/problem+json", "{}")));
        assertKeys(violations(post("/nothing", "{}"), json(200, "application/json", "{}")),
                "validation.request.path.missing");
    }

    private List<String> violations(Request request, SimpleResponse response) {
        return OpenApiContract.violations(validator, request, response).stream()
                .map(ValidationReport.Message::getKey).toList();
    }

    private static void assertKeys(List<String> actual, String... expected) {
        for (String key : expected) {
            assertTrue(actual.contains(key), "expected " + key + " in " + actual);
        }
    }

    private static Request post(String path, String body) {
        return SimpleRequest.Builder.post(path).withContentType("application/json").withBody(body).build();
    }

    private static SimpleResponse json(int status, String contentType, String body) {
        return SimpleResponse.Builder.status(status).withContentType(contentType).withBody(body).build();
    }
}
