package com.waitingroom.ingest.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;
import com.waitingroom.ingest.auth.Tokens;
import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.auth.LocalIssuer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Who may do what on the public port (raw Vert.x routes guarded by HTTP permissions), the 401/403
 * problem answers, and the management port serving health, metrics and OpenAPI without a token.
 */
@QuarkusTest
class AccessControlTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String CHALLENGE = "Bearer realm=\"waiting-room\"";
    private static final String INVALID_TOKEN_CHALLENGE = "Bearer realm=\"waiting-room\", error=\"invalid_token\"";

    /** The three operations: method, path. */
    private static final List<String[]> OPERATIONS = List.of(
            new String[] { "POST", "/events" }, new String[] { "GET", "/events" }, new String[] { "GET", "/events/summary" });

    private static String oneEvent(String service) {
        return "{\"timestamp\":\"" + Instant.now() + "\",\"service\":\"" + service + "\",\"message\":\"m\"}";
    }

    private static Response call(String authorization, String method, String path, String service) {
        RequestSpecification request = given();
        if (authorization != null) {
            request.header(Tokens.AUTHORIZATION, authorization);
        }
        if (method.equals("POST")) {
            request.contentType("application/json").body(oneEvent(service));
        }
        return request.request(method, path);
    }

    @Test
    void withoutATokenEveryPathAnswers401ProblemWithABearerChallenge() {
        for (String[] operation : OPERATIONS) {
            call(null, operation[0], operation[1], "no-token").then().statusCode(401).contentType(PROBLEM)
                    .header("WWW-Authenticate", CHALLENGE)
                    .body("status", equalTo(401)).body("code", equalTo("AUTHENTICATION_REQUIRED"));
        }
        given().get("/no/such/path").then().statusCode(401).contentType(PROBLEM).header("WWW-Authenticate", CHALLENGE);
        // a scheme other than Bearer is no token either
        given().header(Tokens.AUTHORIZATION, "Basic dXNlcjpwYXNz").get("/events").then().statusCode(401)
                .body("code", equalTo("AUTHENTICATION_REQUIRED"));
        assertEquals(0, TestDb.countForService("no-token"));
    }

    @Test
    void refusedTokensAnswer401InvalidToken() {
        LocalIssuer issuer = LocalIssuer.shared();
        Map<String, String> refused = Map.of(
                "expired", issuer.token().subject("s").roles(Roles.ADMIN).expired().bearer(),
                "wrong issuer", issuer.token().subject("s").roles(Roles.ADMIN).issuer("https://other-issuer.invalid").bearer(),
                "wrong audience", issuer.token().subject("s").roles(Roles.ADMIN).audience("another-service").bearer(),
                "bad signature", issuer.token().subject("s").roles(Roles.ADMIN).badSignature().bearer(),
                "not a JWT", "Bearer not-a-jwt");
        for (var token : refused.entrySet()) {
            for (String[] operation : OPERATIONS) {
                Response response = call(token.getValue(), operation[0], operation[1], "refused-token");
                assertEquals(401, response.statusCode(), token.getKey() + " on " + String.join(" ", operation));
                response.then().contentType(PROBLEM).header("WWW-Authenticate", INVALID_TOKEN_CHALLENGE)
                        .body("code", equalTo("INVALID_TOKEN"));
            }
        }
        assertEquals(0, TestDb.countForService("refused-token"));
    }

    @Test
    void aRoleThatDoesNotAllowTheOperationAnswers403AndStoresNothing() {
        String service = EventResourceTest.uniqueService("forbidden");
        for (String role : List.of(Roles.LOG_READER, Roles.VIEWER, Roles.RECEPTIONIST)) {
            call(Tokens.bearer(role), "POST", "/events", service).then().statusCode(403).contentType(PROBLEM)
                    .header("WWW-Authenticate", nullValue())
                    .body("status", equalTo(403)).body("code", equalTo("ROLE_NOT_ALLOWED"));
        }
        for (String role : List.of(Roles.LOG_WRITER, Roles.VIEWER, Roles.DOCTOR)) {
            for (String path : List.of("/events", "/events/summary")) {
                call(Tokens.bearer(role), "GET", path, service).then().statusCode(403).contentType(PROBLEM)
                        .body("code", equalTo("ROLE_NOT_ALLOWED"));
            }
        }
        // a valid token without any role
        call(Tokens.bearer("nobody"), "POST", "/events", service).then().statusCode(403).body("code", equalTo("ROLE_NOT_ALLOWED"));
        assertEquals(0, TestDb.countForService(service));
    }

    @Test
    void otherSpellingsOfTheEventPathsAreGuardedToo() {
        String service = EventResourceTest.uniqueService("spelling");
        // the router serves "/events/" like "/events": the permission must cover it
        call(Tokens.bearer(Roles.LOG_READER), "POST", "/events/", service).then().statusCode(403);
        call(Tokens.bearer(Roles.VIEWER), "POST", "/events/", service).then().statusCode(403);
        call(Tokens.bearer(Roles.LOG_WRITER), "GET", "/events/", service).then().statusCode(403);
        call(Tokens.bearer(Roles.LOG_WRITER), "GET", "/events/summary/", service).then().statusCode(403);
        call(Tokens.bearer(Roles.VIEWER), "POST", "/events/../events", service).then().statusCode(403);
        // methods no operation has reach the router with any valid token, which answers 405 (problem+json)
        call(Tokens.bearer(Roles.VIEWER), "PUT", "/events", service).then().statusCode(405)
                .contentType("application/problem+json").body("code", equalTo("METHOD_NOT_ALLOWED"));
        call(Tokens.bearer(Roles.LOG_WRITER), "DELETE", "/events", service).then().statusCode(405);
        assertEquals(0, TestDb.countForService(service));
    }

    @Test
    void theOperationsRolesAndAdminAreAllowed() {
        String service = EventResourceTest.uniqueService("allowed");
        for (String role : List.of(Roles.LOG_WRITER, Roles.ADMIN)) {
            call(Tokens.bearer(role), "POST", "/events", service).then().statusCode(201);
        }
        for (String role : List.of(Roles.LOG_READER, Roles.ADMIN)) {
            given().header(Tokens.AUTHORIZATION, Tokens.bearer(role)).queryParam("service", service)
                    .get("/events").then().statusCode(200).body("items.service", hasItems(service, service));
            given().header(Tokens.AUTHORIZATION, Tokens.bearer(role)).get("/events/summary").then().statusCode(200)
                    .body("services.find { it.service == '" + service + "' }.lastHour", equalTo(2));
        }
        // roles nested as Keycloak puts realm roles are not read unless AUTH_ROLES_CLAIM says so
        String nested = LocalIssuer.shared().token().subject("kc").roles(Roles.LOG_WRITER).rolesClaim("realm_access/roles").bearer();
        call(nested, "POST", "/events", service).then().statusCode(403);
        // a valid token on a path nothing serves: not found, not a 5xx
        given().header(Tokens.AUTHORIZATION, Tokens.bearer(Roles.ADMIN)).get("/no/such/path").then().statusCode(404);
        assertEquals(2, TestDb.countForService(service));
    }

    @Test
    void publicPortServesNoManagementEndpoints() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi", "/q/swagger-ui")) {
            given().get(path).then().statusCode(401).contentType(PROBLEM).header("WWW-Authenticate", CHALLENGE);
            // not there even with a token: they live on the management port only
            int status = given().header(Tokens.AUTHORIZATION, Tokens.bearer(Roles.ADMIN)).get(path).statusCode();
            assertEquals(404, status, path + " on the public port with an admin token");
        }
    }

    @Test
    void managementPortAnswersWithoutAToken() {
        Tokens.management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Tokens.management().get("/q/health/live").then().statusCode(200);
        String metrics = Tokens.management().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("ingest_queue_depth"));
        Tokens.management().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("components.securitySchemes.bearer.type", equalTo("http"))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("components.securitySchemes.bearer.bearerFormat", equalTo("JWT"))
                .body("paths.'/events'.post.security[0].bearer", equalTo(List.of(Roles.LOG_WRITER, Roles.ADMIN)))
                .body("paths.'/events'.get.security[0].bearer", equalTo(List.of(Roles.LOG_READER, Roles.ADMIN)))
                .body("paths.'/events/summary'.get.security[0].bearer", equalTo(List.of(Roles.LOG_READER, Roles.ADMIN)))
                .body("paths.'/events/count'.get.security[0].bearer", equalTo(List.of(Roles.LOG_READER, Roles.ADMIN)))
                .body("paths.'/events/severity-summary'.get.security[0].bearer", equalTo(List.of(Roles.LOG_READER, Roles.ADMIN)))
                .body("paths.keySet()", equalTo(java.util.Set.of("/events", "/events/summary", "/events/count",
                        "/events/severity-summary", "/v1/logs", "/loki/api/v1/push")))
                .body("security", nullValue());
        // a token is simply not looked at there
        Tokens.management().header(Tokens.AUTHORIZATION, "Bearer not-a-jwt").get("/q/health/ready").then().statusCode(200);
        String yaml = Tokens.management().get("/q/openapi").then().statusCode(200).extract().asString();
        assertTrue(yaml.contains("bearerFormat: JWT"), yaml);
        Tokens.management().get("/q/openapi").then().body(not(containsString("/q/health")));
    }
}
