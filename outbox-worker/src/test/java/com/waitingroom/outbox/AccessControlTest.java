package com.waitingroom.outbox;

import com.waitingroom.security.Roles;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * Issue 16: the admin API needs a bearer token of the configured issuer with the role admin (the
 * read-only views too); the public port answers nothing without a token; health, metrics and
 * OpenAPI are on the management port, without a token.
 */
@QuarkusTest
@QuarkusTestResource(OutboxTestInfra.class)
class AccessControlTest {

    private static final String PROBLEM = "application/problem+json";

    /** One call of each admin operation (generic input: the role check comes first). */
    private static final List<Function<RequestSpecification, ValidatableResponse>> OPERATIONS = List.of(
            r -> r.get("/admin/outbox/counts").then(),
            r -> r.queryParam("status", "dead").get("/admin/outbox/rows").then(),
            r -> r.post("/admin/outbox/rows/999999999/requeue").then(),
            r -> r.queryParam("eventType", "AccessControlProbe").post("/admin/outbox/dead/requeue").then());

    @Test
    void withoutATokenEveryOperationIs401WithTheBearerChallenge() {
        for (var operation : OPERATIONS) {
            operation.apply(given()).statusCode(401).contentType(PROBLEM)
                    .header("WWW-Authenticate", equalTo("Bearer realm=\"waiting-room\""))
                    .body("status", equalTo(401)).body("code", equalTo("AUTHENTICATION_REQUIRED"));
        }
    }

    @Test
    void aRefusedTokenIs401InvalidToken() {
        for (var operation : OPERATIONS) {
            operation.apply(given().header("Authorization", "Bearer not-a-jwt")).statusCode(401).contentType(PROBLEM)
                    .header("WWW-Authenticate", equalTo("Bearer realm=\"waiting-room\", error=\"invalid_token\""))
                    .body("code", equalTo("INVALID_TOKEN"));
        }
    }

    @Test
    void viewerAndDoctorAre403RoleNotAllowed() {
        for (String role : List.of(Roles.VIEWER, Roles.DOCTOR)) {
            for (var operation : OPERATIONS) {
                operation.apply(given().header("Authorization", TestIssuer.bearer(role))).statusCode(403)
                        .contentType(PROBLEM).header("WWW-Authenticate", equalTo(null))
                        .body("status", equalTo(403)).body("code", equalTo("ROLE_NOT_ALLOWED"));
            }
        }
    }

    @Test
    void adminReachesEveryOperation() {
        RequestSpecification admin = given().header("Authorization", TestIssuer.admin());
        given().spec(admin).get("/admin/outbox/counts").then().statusCode(200);
        given().spec(admin).queryParam("status", "dead").get("/admin/outbox/rows").then().statusCode(200);
        given().spec(admin).queryParam("eventType", "AccessControlProbe").post("/admin/outbox/dead/requeue").then()
                .statusCode(200).body("requeued", equalTo(0));
        // Past the role check: the operation itself answers (no such row).
        given().spec(admin).post("/admin/outbox/rows/999999999/requeue").then().statusCode(404)
                .body("code", equalTo("OUTBOX_ROW_NOT_FOUND"));
    }

    @Test
    void thePublicPortAnswersNothingWithoutAToken() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi", "/no/such/path", "/")) {
            given().get(path).then().statusCode(401).contentType(PROBLEM)
                    .header("WWW-Authenticate", equalTo("Bearer realm=\"waiting-room\""))
                    .body("code", equalTo("AUTHENTICATION_REQUIRED"));
        }
    }

    @Test
    void healthMetricsAndOpenApiAreOnlyOnTheManagementPort() {
        RequestSpecification management = given().port(OutboxTestInfra.managementPort());
        given().spec(management).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().spec(management).get("/q/health/live").then().statusCode(200);
        given().spec(management).get("/q/metrics").then().statusCode(200).body(containsString("outbox_pending"));
        given().spec(management).queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("paths.'/admin/outbox/counts'.get.security[0].bearer[0]", equalTo(Roles.ADMIN));
        // Even with a valid token the public port does not serve them.
        for (String path : List.of("/q/health/ready", "/q/metrics", "/q/openapi")) {
            given().header("Authorization", TestIssuer.admin()).get(path).then().statusCode(not(equalTo(200)));
        }
    }
}
