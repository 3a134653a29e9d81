package com.waitingroom.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ProblemTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesTheCoreMembersWithOneTypeBase() throws Exception {
        JsonNode body = JSON.readTree(Problem.of(409, "VERSION_CONFLICT", "Conflict", "expected 3, found \"4\"")
                .toJson("abc-1"));
        assertEquals("https://waiting-room.example/problems/version-conflict", body.get("type").asText());
        assertEquals("Conflict", body.get("title").asText());
        assertEquals(409, body.get("status").asInt());
        assertEquals("expected 3, found \"4\"", body.get("detail").asText());
        assertEquals("VERSION_CONFLICT", body.get("code").asText());
        assertEquals("abc-1", body.get("correlationId").asText());
        assertFalse(body.has("errors"));
    }

    @Test
    void writesErrorsAndExtensionsAfterTheCoreMembers() throws Exception {
        Problem problem = Problem.of(400, "INVALID_EVENTS", "Invalid events", "fix them")
                .withErrors(List.of(new Problem.FieldError("[0].service", "is required")))
                .with("failedItems", List.of(0, 3)).with("limit", "subject").retryAfter(2);
        JsonNode body = JSON.readTree(problem.toJson(null));
        assertFalse(body.has("correlationId"));
        assertEquals("[0].service", body.get("errors").get(0).get("field").asText());
        assertEquals(3, body.get("failedItems").get(1).asInt());
        assertEquals("subject", body.get("limit").asText());
        assertEquals(2, problem.retryAfterSeconds());
    }

    @Test
    void refusesExtensionsThatWouldShadowCoreMembersAndNonErrorStatuses() {
        Problem problem = Problem.of(400, "X", "X", "x");
        assertThrows(IllegalArgumentException.class, () -> problem.with("status", 200));
        assertThrows(IllegalArgumentException.class, () -> Problem.of(200, "OK", "OK", "fine"));
    }

    @Test
    void derivesCodesFromReasonPhrases() {
        assertEquals("METHOD_NOT_ALLOWED", Problem.codeFor("Method Not Allowed"));
        assertEquals("REQUEST_URI_TOO_LONG", Problem.codeFor("Request-URI Too Long"));
    }

    @Test
    void correlationIdRuleKeepsSafeIdsAndReplacesOthers() {
        assertTrue(CorrelationIds.isValid("order-48213/retry:2@desk"));
        assertEquals("abc", CorrelationIds.validOrNew("abc"));
        for (String bad : new String[] { null, "", "a b", "x".repeat(129), "line\nbreak", "<script>" }) {
            String replaced = CorrelationIds.validOrNew(bad);
            assertTrue(CorrelationIds.isValid(replaced), replaced);
            assertEquals(36, replaced.length(), "a UUID replaces " + bad);
        }
        assertTrue(CorrelationIds.isValid("x".repeat(128)));
    }
}
