package com.waitingroom.projection;

import com.waitingroom.kernel.Priority;
import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.auth.LocalIssuer;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static com.waitingroom.projection.Api.admin;
import static com.waitingroom.projection.Api.as;
import static com.waitingroom.projection.Api.management;
import static com.waitingroom.projection.Api.viewer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Who may do what: every path of the public port needs a valid bearer token (401 problem+json with
 * the Bearer challenge otherwise), the views and the projection status are read by viewer and the
 * staff roles, rebuild and parked-queue administration by admin only (403 problem+json otherwise);
 * health, metrics and OpenAPI answer on the management port without a token.
 */
@QuarkusTest
class AccessControlTest extends PublishingTest {

    private static final List<String> READERS =
            List.of(Roles.VIEWER, Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN);
    private static final String REBUILD = "/api/projections/waiting-rooms/rebuild";
    private static final String PARKED = "/api/projections/waiting-rooms/parked-queues";

    @Test
    void withoutATokenEveryPublicPathIs401WithTheBearerChallenge() {
        for (String path : List.of("/api/waiting-rooms/any/queue", "/api/waiting-rooms/any/monitor",
                "/api/waiting-rooms/any/next-turn", "/api/waiting-rooms/any/history",
                "/api/waiting-rooms/any/patients/P-1/trajectory", "/api/metrics/lag", "/api/projections", PARKED,
                "/q/health", "/q/health/ready", "/q/metrics", "/q/openapi", "/no/such/path", "/")) {
            given().get(path).then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", equalTo("Bearer realm=\"waiting-room\""))
                    .body("status", equalTo(401)).body("code", equalTo("AUTHENTICATION_REQUIRED"));
        }
        given().post(REBUILD).then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer")).body("code", equalTo("AUTHENTICATION_REQUIRED"));
        given().post(PARKED + "/resume").then().statusCode(401);
    }

    @Test
    void aRefusedTokenIs401InvalidToken() {
        LocalIssuer issuer = LocalIssuer.shared();
        for (String bearer : List.of("Bearer not-a-jwt",
                issuer.token().roles(Roles.ADMIN).expired().bearer(),
                issuer.token().roles(Roles.ADMIN).issuer("https://someone-else.invalid").bearer(),
                issuer.token().roles(Roles.ADMIN).audience("another-service").bearer(),
                issuer.token().roles(Roles.ADMIN).badSignature().bearer())) {
            given().header("Authorization", bearer).get("/api/projections").then().statusCode(401)
                    .contentType("application/problem+json")
                    .header("WWW-Authenticate", equalTo("Bearer realm=\"waiting-room\", error=\"invalid_token\""))
                    .body("code", equalTo("INVALID_TOKEN"));
        }
    }

    @Test
    void aRoleWithoutAccessIs403() {
        for (String path : List.of("/api/waiting-rooms/any/queue", "/api/waiting-rooms/any/history",
                "/api/waiting-rooms/any/patients/P-1/trajectory", "/api/metrics/lag", "/api/projections")) {
            as(Roles.LOG_WRITER).get(path).then().statusCode(403).contentType("application/problem+json")
                    .header("WWW-Authenticate", nullValue())
                    .body("status", equalTo(403)).body("code", equalTo("ROLE_NOT_ALLOWED"));
        }
        given().header("Authorization", LocalIssuer.shared().token().subject("nobody").bearer())
                .get("/api/projections").then().statusCode(403).body("code", equalTo("ROLE_NOT_ALLOWED"));
        for (String role : List.of(Roles.VIEWER, Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.LOG_READER)) {
            as(role).post(REBUILD).then().statusCode(403).contentType("application/problem+json")
                    .body("code", equalTo("ROLE_NOT_ALLOWED"));
            as(role).get(PARKED).then().statusCode(403);
            as(role).post(PARKED + "/resume").then().statusCode(403);
            as(role).post(PARKED + "/{q}/resume", "any").then().statusCode(403);
        }
    }

    @Test
    void viewerReadsTheLinesAndStaffReadEveryView() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("access")).created()
                .checkIn("P-1", "Ana", Priority.HIGH);
        events.publishAll(stream.events);
        WaitingRoomResourceTest.awaitVersion(stream.queueId, 2);
        for (String role : READERS) {
            for (String view : List.of("queue", "monitor", "next-turn", "history", "patients/P-1/trajectory")) {
                boolean patientLevel = view.equals("history") || view.startsWith("patients/");
                if (patientLevel && role.equals(Roles.VIEWER)) {
                    // a waiting-room screen's token: lines yes, notes/outcomes/actors of patients no
                    as(role).get("/api/waiting-rooms/{q}/" + view, stream.queueId).then().statusCode(403)
                            .body("code", equalTo("ROLE_NOT_ALLOWED"));
                    continue;
                }
                as(role).get("/api/waiting-rooms/{q}/" + view, stream.queueId).then().statusCode(200)
                        .body("queueId", equalTo(stream.queueId));
            }
            as(role).get("/api/metrics/lag").then().statusCode(200);
            // The status (with lastError) is for any signed-in reader, no longer for anyone on the network.
            as(role).get("/api/projections").then().statusCode(200).body("[0].name", equalTo("waiting-rooms"));
        }
    }

    @Test
    void adminRebuildsAndManagesParkedQueues() {
        admin().get(PARKED).then().statusCode(200);
        admin().post(PARKED + "/resume").then().statusCode(200);
        admin().post(PARKED + "/{q}/resume", "never-parked").then().statusCode(404)
                .body("code", equalTo("QUEUE_NOT_PARKED"));
        admin().post(REBUILD).then().statusCode(202).body("name", equalTo("waiting-rooms"));
        // Let it finish: other test classes start their own rebuilds.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                viewer().get("/api/projections").then().body("[0].status", equalTo("LIVE"))
                        .body("[0].rebuild.finishedAt", notNullValue()));
    }

    @Test
    void theManagementPortAnswersWithoutAToken() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
        management().get("/q/health/live").then().statusCode(200);
        management().get("/q/health").then().statusCode(anyOf(is(200), is(503)));
        management().get("/q/metrics").then().statusCode(200).body(containsString("projection_events_applied_total"));
        management().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("paths.'/api/projections/{name}/rebuild'.post.security[0].bearer", equalTo(List.of(Roles.ADMIN)))
                .body("paths.'/api/projections'.get.security[0].bearer", equalTo(READERS));
        // The public port does not serve them, even with a token.
        viewer().get("/q/health/ready").then().statusCode(404);
        viewer().get("/q/metrics").then().statusCode(404);
    }
}
