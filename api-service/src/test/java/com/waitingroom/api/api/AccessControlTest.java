package com.waitingroom.api.api;

import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import com.waitingroom.testsupport.auth.LocalIssuer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.waitingroom.api.api.Tokens.AUTHORIZATION;
import static com.waitingroom.api.api.Tokens.as;
import static com.waitingroom.security.Roles.ADMIN;
import static com.waitingroom.security.Roles.CASHIER;
import static com.waitingroom.security.Roles.DOCTOR;
import static com.waitingroom.security.Roles.LOG_WRITER;
import static com.waitingroom.security.Roles.RECEPTIONIST;
import static com.waitingroom.security.Roles.VIEWER;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Access control of the public port: no token is 401 AUTHENTICATION_REQUIRED with a Bearer challenge,
 * a refused token 401 INVALID_TOKEN, a role the operation does not list 403 ROLE_NOT_ALLOWED (all
 * problem+json, nothing recorded), a listed role is served; the events record the token's subject and
 * the role it acted under. Health, metrics and OpenAPI are on the management interface only. HTTP and
 * JDBC only, so {@link AccessControlIT} re-runs it against the packaged application. Every operation ×
 * every kind of token: {@link AuthMatrixIT}.
 */
@QuarkusTest
class AccessControlTest {

    private static final String BASE = "/api/waiting-rooms/";
    private static final String PROBLEM = "application/problem+json";
    private static final LocalIssuer ISSUER = LocalIssuer.shared();

    private static String newQueueId() {
        return "ac-" + UUID.randomUUID().toString().substring(0, 13);
    }

    private static String checkInBody(String patientId) {
        return "{\"patientId\":\"" + patientId + "\",\"patientName\":\"Ana\",\"priority\":\"Low\","
                + "\"consultationType\":\"General\"}";
    }

    private static RequestSpecification with(String authorization) {
        RequestSpecification request = given().contentType(ContentType.JSON);
        return authorization == null ? request : request.header(AUTHORIZATION, authorization);
    }

    private static String bearer(String subject, String... roles) {
        return ISSUER.token().subject(subject).roles(roles).bearer();
    }

    /** A queue with one patient waiting for the cashier, created by an admin. */
    private static String queueWithOnePatient() {
        String queueId = newQueueId();
        as(ADMIN).contentType(ContentType.JSON).body(checkInBody("P1")).post(BASE + queueId + "/check-ins")
                .then().statusCode(201);
        return queueId;
    }

    private static long storedEvents(String queueId) {
        return TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId);
    }

    private static void assertUnauthorized(Response response, String code, String challenge) {
        response.then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", equalTo(challenge))
                .body("status", equalTo(401)).body("code", equalTo(code));
    }

    private static void assertForbidden(Response response) {
        response.then().statusCode(403).contentType(PROBLEM)
                .body("status", equalTo(403)).body("code", equalTo("ROLE_NOT_ALLOWED"));
    }

    @Test
    void withoutATokenEveryOperationIs401WithABearerChallenge() {
        String queueId = queueWithOnePatient();
        String challenge = "Bearer realm=\"waiting-room\"";
        assertUnauthorized(with(null).body(checkInBody("P2")).post(BASE + queueId + "/check-ins"),
                "AUTHENTICATION_REQUIRED", challenge);
        assertUnauthorized(with(null).post(BASE + queueId + "/cashier/next"), "AUTHENTICATION_REQUIRED", challenge);
        assertUnauthorized(with(null).put(BASE + queueId + "/rooms/R1/activation"), "AUTHENTICATION_REQUIRED", challenge);
        assertUnauthorized(with(null).get(BASE + queueId), "AUTHENTICATION_REQUIRED", challenge);
        // "Basic" or an empty bearer is no token either
        assertUnauthorized(with("Basic YWRtaW46YWRtaW4=").get(BASE + queueId), "AUTHENTICATION_REQUIRED", challenge);
        assertUnauthorized(with("Bearer ").get(BASE + queueId), "AUTHENTICATION_REQUIRED", challenge);
        assertEquals(2, storedEvents(queueId));
    }

    @Test
    void aRefusedTokenIs401InvalidToken() {
        String queueId = queueWithOnePatient();
        String challenge = "Bearer realm=\"waiting-room\", error=\"invalid_token\"";
        List<String> refused = List.of(
                ISSUER.token().subject("rita").roles(RECEPTIONIST).expired().bearer(),
                ISSUER.token().subject("rita").roles(RECEPTIONIST).issuer("https://other-issuer.invalid").bearer(),
                ISSUER.token().subject("rita").roles(RECEPTIONIST).audience("another-service").bearer(),
                ISSUER.token().subject("rita").roles(RECEPTIONIST).badSignature().bearer(),
                "Bearer not-a-jwt");
        for (String token : refused) {
            assertUnauthorized(with(token).body(checkInBody("P2")).post(BASE + queueId + "/check-ins"),
                    "INVALID_TOKEN", challenge);
        }
        assertEquals(2, storedEvents(queueId));
    }

    @Test
    void aRoleTheOperationDoesNotListIs403AndRecordsNothing() {
        String queueId = queueWithOnePatient();
        assertForbidden(with(bearer("carl", CASHIER)).body(checkInBody("P2")).post(BASE + queueId + "/check-ins"));
        assertForbidden(with(bearer("vera", VIEWER)).body(checkInBody("P2")).post(BASE + queueId + "/check-ins"));
        assertForbidden(with(bearer("rita", RECEPTIONIST)).post(BASE + queueId + "/cashier/next"));
        assertForbidden(with(bearer("dora", DOCTOR)).post(BASE + queueId + "/patients/P1/payment"));
        assertForbidden(with(bearer("carl", CASHIER)).put(BASE + queueId + "/rooms/R1/activation"));
        assertForbidden(with(bearer("carl", CASHIER)).post(BASE + queueId + "/patients/P1/leave"));
        assertForbidden(with(bearer("nobody")).get(BASE + queueId));
        assertForbidden(with(bearer("logan", LOG_WRITER)).get(BASE + queueId + "/events"));
        assertEquals(2, storedEvents(queueId));
    }

    @Test
    void theOperationsRolesAreServedAndTheEventsRecordTheSubjectAndTheRoleActedUnder() throws Exception {
        String queueId = newQueueId();
        with(bearer("rita", RECEPTIONIST)).body(checkInBody("P1")).post(BASE + queueId + "/check-ins")
                .then().statusCode(201);
        with(bearer("carl", CASHIER)).post(BASE + queueId + "/cashier/next").then().statusCode(200);
        with(bearer("ada", ADMIN)).put(BASE + queueId + "/rooms/R1/activation").then().statusCode(200);
        // a token with several listed roles acts under the first one the operation lists
        with(bearer("sam", ADMIN, RECEPTIONIST)).body(checkInBody("P2")).post(BASE + queueId + "/check-ins")
                .then().statusCode(201);
        with(bearer("dora", DOCTOR)).delete(BASE + queueId + "/rooms/R1/activation").then().statusCode(200);

        List<List<Object>> expected = List.of(
                List.of("WaitingQueueCreated", "rita", RECEPTIONIST),
                List.of("PatientCheckedIn", "rita", RECEPTIONIST),
                List.of("PatientCalledAtCashier", "carl", CASHIER),
                List.of("ConsultingRoomActivated", "ada", ADMIN),
                List.of("PatientCheckedIn", "sam", RECEPTIONIST),
                List.of("ConsultingRoomDeactivated", "dora", DOCTOR));
        List<Map<String, Object>> rows = TestDb.rows("SELECT e.event_type, e.actor, e.actor_role, o.envelope::text AS envelope"
                + " FROM events e JOIN outbox o ON o.event_id = e.event_id WHERE e.aggregate_id = ? ORDER BY e.version",
                queueId);
        assertEquals(expected, rows.stream().map(row -> List.of(row.get("event_type"), row.get("actor"),
                row.get("actor_role"))).toList(), "events.actor and events.actor_role");
        for (Map<String, Object> row : rows) {
            EventEnvelope envelope = EventCodec.standard().decode((String) row.get("envelope"));
            assertEquals(List.of(row.get("actor"), row.get("actor_role")), List.of(envelope.actor(), envelope.actorRole()),
                    "the outbox envelope (what the projections receive) carries the same actor");
        }

        // every staff role reads what it acts on; a screen's viewer token reads the queue, not patient
        // data (the patient's visit, the event stream with notes); the stream shows the actors
        for (String role : List.of(RECEPTIONIST, CASHIER, DOCTOR, ADMIN)) {
            as(role).get(BASE + queueId).then().statusCode(200);
            as(role).get(BASE + queueId + "/patients/P1").then().statusCode(200);
        }
        as(VIEWER).get(BASE + queueId).then().statusCode(200);
        assertForbidden(as(VIEWER).get(BASE + queueId + "/patients/P1"));
        assertForbidden(as(VIEWER).get(BASE + queueId + "/events"));
        Response events = as(CASHIER).get(BASE + queueId + "/events");
        events.then().statusCode(200);
        for (int i = 0; i < expected.size(); i++) {
            events.then().body("[" + i + "].actor", equalTo(expected.get(i).get(1)))
                    .body("[" + i + "].actorRole", equalTo(expected.get(i).get(2)));
        }
    }

    @Test
    void anIdempotentReplayAnswersAnyCallerOfTheOperationAndKeepsTheFirstCallerOnTheEvents() {
        String queueId = queueWithOnePatient();
        String key = UUID.randomUUID().toString();
        Response first = with(bearer("rita", RECEPTIONIST)).header("Idempotency-Key", key).body(checkInBody("P2"))
                .post(BASE + queueId + "/check-ins");
        first.then().statusCode(201);
        // keys are not bound to a caller (README, "Access control"): the same request by another
        // receptionist gets the stored answer, and nothing new is recorded
        with(bearer("rosa", RECEPTIONIST)).header("Idempotency-Key", key).body(checkInBody("P2"))
                .post(BASE + queueId + "/check-ins").then().statusCode(201)
                .header("Idempotency-Replayed", equalTo("true")).body(equalTo(first.body().asString()));
        // a role the operation does not list gets no replay
        assertForbidden(with(bearer("carl", CASHIER)).header("Idempotency-Key", key).body(checkInBody("P2"))
                .post(BASE + queueId + "/check-ins"));
        assertEquals(List.of(Map.of("actor", "rita", "actor_role", RECEPTIONIST)), TestDb.rows(
                "SELECT actor, actor_role FROM events WHERE aggregate_id = ? AND causation_id = ?", queueId, key));
    }

    @Test
    void thePublicPortServesNothingWithoutATokenAndTheManagementInterfaceServesOperationsWithout() {
        queueWithOnePatient(); // a command, so that its counter is in the metrics
        for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi", "/no-such-path", "/")) {
            assertUnauthorized(with(null).get(path), "AUTHENTICATION_REQUIRED", "Bearer realm=\"waiting-room\"");
        }
        // with a token they are still not there: health, metrics and OpenAPI live on the management interface
        as(ADMIN).get("/q/health/ready").then().statusCode(404);
        as(ADMIN).get("/q/metrics").then().statusCode(404);

        ManagementInterface.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        ManagementInterface.given().get("/q/health/live").then().statusCode(200);
        ManagementInterface.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("api_commands_total"));
        ManagementInterface.given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("\"bearer\""));
    }
}
