package com.waitingroom.api.api;

import com.waitingroom.api.domain.QueueSnapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.kernel.EventCodec;
import com.waitingroom.kernel.EventEnvelope;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static com.waitingroom.api.api.Tokens.AUTHORIZATION;
import static com.waitingroom.api.api.Tokens.as;
import static com.waitingroom.security.Roles.CASHIER;
import static com.waitingroom.security.Roles.DOCTOR;
import static com.waitingroom.security.Roles.RECEPTIONIST;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP contract against the real PostgreSQL, using only HTTP and JDBC so that
 * {@link WaitingRoomResourceIT} re-runs it against the packaged application. Every request carries a
 * token of the role whose work it is (reads: a receptionist); health and metrics are read from the management
 * interface. Access control itself: {@link AccessControlTest}.
 */
@QuarkusTest
class WaitingRoomResourceTest {

    private static final String BASE = "/api/waiting-rooms/";
    private static final ObjectMapper MAPPER = EventCodec.newObjectMapper();

    private static String newQueueId() {
        return "t-" + UUID.randomUUID().toString().substring(0, 13);
    }

    private static String checkInBody(String patientId, String priority) {
        return "{\"patientId\":\"" + patientId + "\",\"patientName\":\"Ana\",\"priority\":\"" + priority
                + "\",\"consultationType\":\"General\",\"notes\":null,\"age\":null,\"pregnant\":false}";
    }

    private static RequestSpecification json(String role) {
        return as(role).contentType(ContentType.JSON);
    }

    /** Reads by a member of staff: patient data and the event stream are not for a screen's viewer token. */
    private static RequestSpecification read() {
        return as(RECEPTIONIST);
    }

    /** The staff role whose work the command on {@code path} (below a queue) is. */
    private static String roleOf(String path) {
        if (path.endsWith("/check-ins") || path.endsWith("/leave")) {
            return RECEPTIONIST;
        }
        if (path.contains("/cashier") || path.contains("/payment")) {
            return CASHIER;
        }
        return DOCTOR; // rooms, attention, call, consultation, completion, consultation absence
    }

    private static Response checkIn(String queueId, String patientId, String priority) {
        return json(RECEPTIONIST).body(checkInBody(patientId, priority)).post(BASE + queueId + "/check-ins");
    }

    private static Response command(String path) {
        return json(roleOf(path)).post(BASE + path);
    }

    private static Response command(String path, String body) {
        return json(roleOf(path)).body(body).post(BASE + path);
    }

    private static void assertProblem(Response response, int status, String code) {
        response.then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("code", equalTo(code))
                .body("title", notNullValue())
                .body("type", notNullValue())
                .body("detail", notNullValue());
    }

    // ---------------------------------------------------------------- step 1 contract

    @Test
    void checkInFollowsTheContractAndImplicitlyCreatesTheQueue() {
        String queueId = newQueueId();
        json(RECEPTIONIST).header("X-Correlation-Id", "corr-checkin-1")
                .body("{\"patientId\":\" p-1 \",\"patientName\":\"Ana\",\"priority\":\"high\","
                        + "\"consultationType\":\"General\",\"notes\":null,\"age\":null,\"pregnant\":false}")
                .post(BASE + queueId + "/check-ins")
                .then().statusCode(201)
                .contentType(ContentType.JSON)
                .header("Location", equalTo(BASE + queueId + "/patients/P-1"))
                .header("X-Correlation-Id", equalTo("corr-checkin-1"))
                .header("ETag", containsString("2"))
                .body("queueId", equalTo(queueId))
                .body("patientId", equalTo("P-1"))
                .body("version", equalTo(2))
                .body("queuePosition", equalTo(1))
                .body("ticketNumber", equalTo("001"))
                .body("priority", equalTo("High"))
                .body("status", equalTo("WAITING_FOR_CASHIER"));

        read().get(BASE + queueId + "/events").then().statusCode(200)
                .body("size()", equalTo(2))
                .body("[0].eventType", equalTo("WaitingQueueCreated"))
                .body("[0].version", equalTo(1))
                .body("[0].payload.maxCapacity", equalTo(100))
                .body("[1].eventType", equalTo("PatientCheckedIn"))
                .body("[1].version", equalTo(2))
                .body("[1].aggregateId", equalTo(queueId))
                .body("[1].aggregateType", equalTo("WaitingQueue"))
                .body("[1].correlationId", equalTo("corr-checkin-1"))
                .body("[1].causationId", notNullValue())
                .body("[1].actor", equalTo("receptionist-test"))
                .body("[1].actorRole", equalTo("receptionist"))
                .body("[1].schemaVersion", equalTo(3))
                .body("[1].payload.ticketNumber", equalTo("001"))
                .body("[1].payload.patientId", equalTo("P-1"))
                .body("[1].payload.queuePosition", equalTo(1))
                .body("[1].payload.lineSequence", equalTo(1))
                .body("[1].payload.visit", equalTo(1));

        // second patient of lower priority queues behind
        checkIn(queueId, "P-2", "Low").then().statusCode(201)
                .body("version", equalTo(3)).body("queuePosition", equalTo(2)).body("priority", equalTo("Low"));
    }

    @Test
    void correlationIdIsGeneratedWhenAbsentAndStoredOnTheEvents() {
        String queueId = newQueueId();
        String generated = checkIn(queueId, "P1", "Low").then().statusCode(201)
                .extract().header("X-Correlation-Id");
        assertTrue(generated != null && !generated.isBlank());
        read().get(BASE + queueId + "/events").then()
                .body("[0].correlationId", equalTo(generated))
                .body("[1].correlationId", equalTo(generated));
        // an unsafe id is replaced, not refused (service-http CorrelationIds): the command is recorded under the id echoed
        String replaced = json(RECEPTIONIST).header("X-Correlation-Id", "bad id with spaces").body(checkInBody("P2", "Low"))
                .post(BASE + queueId + "/check-ins").then().statusCode(201).extract().header("X-Correlation-Id");
        assertTrue(replaced.matches("[0-9a-f-]{36}"), replaced);
        read().get(BASE + queueId + "/events").then().body("[2].correlationId", equalTo(replaced));
    }

    @Test
    void everyEventHasExactlyOneMatchingOutboxRowWrittenInTheSameTransaction() throws Exception {
        String queueId = newQueueId();
        checkIn(queueId, "P1", "Low").then().statusCode(201);
        checkIn(queueId, "P2", "Urgent").then().statusCode(201);
        command(queueId + "/cashier/next", "{\"deskId\":\"D1\"}").then().statusCode(200);

        List<Map<String, Object>> rows = TestDb.rows("""
                SELECT e.event_id, e.version, e.event_type, e.correlation_id AS event_corr, e.tx_id::text AS event_tx,
                       o.tx_id::text AS outbox_tx, o.aggregate_version, o.routing_key, o.correlation_id,
                       o.status, o.attempts, o.event_type AS outbox_type, o.envelope::text AS envelope,
                       e.payload::text AS payload, o.causation_id, o.schema_version,
                       (extract(epoch FROM o.occurred_at) * 1000000)::bigint AS occurred_micros,
                       (SELECT count(*) FROM outbox x WHERE x.event_id = e.event_id) AS outbox_rows
                FROM events e LEFT JOIN outbox o ON o.event_id = e.event_id
                WHERE e.aggregate_id = ? ORDER BY e.version""", queueId);
        assertEquals(4, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            assertEquals(1L, ((Number) row.get("outbox_rows")).longValue());
            assertEquals((long) i + 1, ((Number) row.get("version")).longValue());
            assertEquals(row.get("event_tx"), row.get("outbox_tx"), "event and outbox row share one transaction");
            assertEquals(row.get("version"), row.get("aggregate_version"));
            assertEquals(row.get("event_type"), row.get("routing_key"));
            assertEquals(row.get("event_type"), row.get("outbox_type"));
            assertEquals(row.get("event_corr"), row.get("correlation_id"));
            assertEquals("pending", row.get("status"));
            assertEquals(0, ((Number) row.get("attempts")).intValue());
            EventEnvelope envelope = EventCodec.standard().decode((String) row.get("envelope"));
            assertEquals(EventCodec.standard().encodeToString(envelope), row.get("envelope"),
                    "the outbox keeps the codec's text, which the relay publishes unchanged");
            // the fields the relay's AMQP headers carry, in their columns (V24), equal to the envelope's
            assertEquals(envelope.causationId(), row.get("causation_id"));
            assertEquals(envelope.schemaVersion(), ((Number) row.get("schema_version")).intValue());
            assertEquals(ChronoUnit.MICROS.between(Instant.EPOCH, envelope.occurredAt()),
                    ((Number) row.get("occurred_micros")).longValue());
            assertEquals(row.get("event_id"), envelope.eventId());
            assertEquals(queueId, envelope.aggregateId());
            assertEquals(((Number) row.get("version")).longValue(), envelope.version());
            assertEquals(MAPPER.readTree((String) row.get("payload")), envelope.payload());
            // the payload decodes to its registered kernel type
            assertEquals(row.get("event_type"), EventCodec.standard().payloadOf(envelope).getClass().getSimpleName());
        }
        // the two events of the first command were committed together, the later ones separately
        assertEquals(rows.get(0).get("event_tx"), rows.get(1).get("event_tx"));
        assertNotEquals(rows.get(1).get("event_tx"), rows.get(2).get("event_tx"));
        // the envelope's occurred-at is exactly the stored one
        read().get(BASE + queueId + "/events?fromVersion=4").then().statusCode(200)
                .body("[0].eventType", equalTo("PatientCalledAtCashier"))
                .body("[0].payload.patientId", equalTo("P2"))
                .body("[0].occurredAt", equalTo(EventCodec.standard()
                        .decode((String) rows.get(3).get("envelope")).occurredAt().toString()));
    }

    // ---------------------------------------------------------------- validation and errors

    @Test
    void invalidInputIsAProblem400WithFieldErrors() {
        String queueId = newQueueId();
        Response missing = command(queueId + "/check-ins", "{\"priority\":\"Critical\"}");
        assertProblem(missing, 400, "VALIDATION_FAILED");
        missing.then().body("errors.field", hasItem("patientId"))
                .body("errors.field", hasItem("patientName"))
                .body("errors.field", hasItem("priority"))
                .body("errors.field", hasItem("consultationType"));

        assertProblem(command(queueId + "/check-ins", checkInBody("X".repeat(21), "Low")), 400, "VALIDATION_FAILED");
        assertProblem(command(queueId + "/check-ins", "{\"patientId\":"), 400, "MALFORMED_JSON");
        assertProblem(command(queueId + "/check-ins", "[1,2]"), 400, "MALFORMED_JSON");
        assertProblem(command(queueId + "/check-ins"), 400, "VALIDATION_FAILED");
        Response wrongType = command(queueId + "/check-ins", "{\"patientId\":\"P1\",\"patientName\":\"A\","
                + "\"priority\":\"Low\",\"consultationType\":\"General\",\"age\":\"old\"}");
        assertProblem(wrongType, 400, "VALIDATION_FAILED");
        wrongType.then().body("errors[0].field", equalTo("age"));
        assertProblem(command("bad%20queue/check-ins", checkInBody("P1", "Low")), 400, "VALIDATION_FAILED");
        assertProblem(json(RECEPTIONIST).header("If-Match", "version-seven").body(checkInBody("P1", "Low"))
                .post(BASE + queueId + "/check-ins"), 400, "INVALID_IF_MATCH");
        assertProblem(read().get(BASE + queueId + "/events?fromVersion=abc"), 400, "VALIDATION_FAILED");
        assertProblem(read().get(BASE + queueId + "/events?fromVersion=0"), 400, "VALIDATION_FAILED");
        assertProblem(read().get(BASE + queueId + "/events?limit=100000"), 400, "VALIDATION_FAILED");
        // nothing of the above was recorded
        assertEquals(0, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId));
    }

    @Test
    void unknownQueuesAndPatientsAre404() {
        String queueId = newQueueId();
        assertProblem(read().get(BASE + queueId + "/events"), 404, "QUEUE_NOT_FOUND");
        assertProblem(read().get(BASE + queueId), 404, "QUEUE_NOT_FOUND");
        assertProblem(command(queueId + "/cashier/next"), 404, "QUEUE_NOT_FOUND");
        checkIn(queueId, "P1", "Low").then().statusCode(201);
        assertProblem(command(queueId + "/patients/NOBODY/payment"), 404, "PATIENT_NOT_FOUND");
        assertProblem(read().get(BASE + queueId + "/patients/NOBODY"), 404, "PATIENT_NOT_FOUND");
        assertProblem(read().get("/api/no-such-thing"), 404, "NOT_FOUND");
    }

    @Test
    void ruleViolationsAre422WithStableCodes() {
        String queueId = newQueueId();
        json(RECEPTIONIST).body("{\"queueId\":\"" + queueId + "\",\"name\":\"Tiny clinic\",\"maxCapacity\":1}")
                .post("/api/waiting-rooms").then().statusCode(201)
                .header("Location", equalTo(BASE + queueId))
                .body("version", equalTo(1)).body("maxCapacity", equalTo(1)).body("name", equalTo("Tiny clinic"));
        assertProblem(json(RECEPTIONIST).body("{\"queueId\":\"" + queueId + "\",\"name\":\"x\"}").post("/api/waiting-rooms"),
                422, "QUEUE_ALREADY_EXISTS");
        checkIn(queueId, "P1", "Low").then().statusCode(201).body("version", equalTo(2));
        assertProblem(checkIn(queueId, "p1", "High"), 422, "PATIENT_ALREADY_ACTIVE");
        assertProblem(checkIn(queueId, "P2", "Low"), 422, "QUEUE_AT_CAPACITY");
        assertProblem(command(queueId + "/patients/P1/payment"), 422, "PATIENT_NOT_AT_CASHIER");
        assertProblem(command(queueId + "/attention/next", "{\"roomId\":\"R1\"}"), 422, "ROOM_NOT_ACTIVE");
        assertProblem(json(RECEPTIONIST).body("{\"queueId\":\"x\",\"maxCapacity\":0}").post("/api/waiting-rooms"),
                400, "VALIDATION_FAILED");
        assertEquals(2, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId));
    }

    // ---------------------------------------------------------------- concurrency control

    @Test
    void ifMatchGuardsTheExpectedVersion() {
        String queueId = newQueueId();
        checkIn(queueId, "P1", "Low").then().statusCode(201);
        Response stale = json(RECEPTIONIST).header("If-Match", "\"1\"").body(checkInBody("P2", "Low"))
                .post(BASE + queueId + "/check-ins");
        assertProblem(stale, 409, "VERSION_MISMATCH");
        json(RECEPTIONIST).header("If-Match", "\"2\"").body(checkInBody("P2", "Low"))
                .post(BASE + queueId + "/check-ins").then().statusCode(201).body("version", equalTo(3));
        json(CASHIER).header("If-Match", "W/\"3\"").post(BASE + queueId + "/cashier/next")
                .then().statusCode(200).body("version", equalTo(4));
        assertEquals(4, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId));
    }

    @Test
    void concurrentCheckInsFromManyClientsLoseNothingAndNeverDuplicateAVersion() {
        String queueId = newQueueId();
        int clients = 40;
        double conflictsBefore = versionConflicts();
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                            + BASE + queueId + "/check-ins"))
                    .header("Content-Type", "application/json")
                    .header(AUTHORIZATION, Tokens.bearer(RECEPTIONIST))
                    .POST(HttpRequest.BodyPublishers.ofString(checkInBody("C" + i, i % 2 == 0 ? "Low" : "High")))
                    .build();
            responses.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        Set<Long> versions = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> future : responses) {
            HttpResponse<String> response = future.join();
            assertEquals(201, response.statusCode(), response.body());
            versions.add(readTree(response.body()).get("version").asLong());
        }
        // the creation took version 1 (or 1-2 with the first check-in); every check-in got its own version
        assertEquals(clients, versions.size());
        List<Map<String, Object>> stored = TestDb.rows(
                "SELECT version, event_type FROM events WHERE aggregate_id = ? ORDER BY version", queueId);
        assertEquals(clients + 1, stored.size());
        assertEquals(LongStream.rangeClosed(1, clients + 1).boxed().toList(),
                stored.stream().map(row -> ((Number) row.get("version")).longValue()).toList());
        assertEquals(1, stored.stream().filter(row -> row.get("event_type").equals("WaitingQueueCreated")).count());
        assertEquals(clients + 1, TestDb.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?", queueId));
        read().get(BASE + queueId).then().statusCode(200).body("activePatients", equalTo(clients))
                .body("waitingForCashier.size()", equalTo(clients));
        // One instance runs a queue's commands one after the other: none of them collided in the store.
        assertEquals(conflictsBefore, versionConflicts());
    }

    private static double versionConflicts() {
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("api_append_version_conflicts_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no api_append_version_conflicts_total"));
    }

    @Test
    void writesByAnotherInstanceAreNeverOverwrittenOrIgnored() {
        String queueId = newQueueId();
        checkIn(queueId, "P1", "Low").then().statusCode(201).body("version", equalTo(2));
        // Another api-service instance appends version 3 behind this instance's back...
        appendRoomActivatedElsewhere(queueId, 3, "R8");
        double conflictsBefore = versionConflicts();
        // ...so a command decided on this instance's older state must neither take version 3 nor ignore it.
        checkIn(queueId, "P2", "Low").then().statusCode(201).body("version", equalTo(4));
        assertEquals(conflictsBefore + 1, versionConflicts(), "the stale decision collided once, then was redone");
        // A refusal decided on older state ("R9 is not active") is re-checked against the store.
        appendRoomActivatedElsewhere(queueId, 5, "R9");
        json(DOCTOR).delete(BASE + queueId + "/rooms/R9/activation").then().statusCode(200).body("version", equalTo(6));
        assertEquals(LongStream.rangeClosed(1, 6).boxed().toList(), TestDb.rows(
                "SELECT version FROM events WHERE aggregate_id = ? ORDER BY version", queueId).stream()
                .map(row -> ((Number) row.get("version")).longValue()).toList());
        read().get(BASE + queueId).then().body("activeRooms.roomId", equalTo(List.of("R8")));
    }

    private static void appendRoomActivatedElsewhere(String queueId, long version, String roomId) {
        TestDb.update("INSERT INTO events (event_id, aggregate_id, aggregate_type, version, event_type, "
                + "schema_version, occurred_at, payload) VALUES (gen_random_uuid(), ?, 'WaitingQueue', ?, "
                + "'ConsultingRoomActivated', 1, now(), jsonb_build_object('queueId', ?::text, 'roomId', ?::text))",
                queueId, version, queueId, roomId);
    }

    // ---------------------------------------------------------------- idempotency

    @Test
    void sameIdempotencyKeyReplaysTheStoredResponseAndRefusesADifferentRequest() {
        String queueId = newQueueId();
        String key = UUID.randomUUID().toString();
        Response first = json(RECEPTIONIST).header("Idempotency-Key", key).body(checkInBody("P1", "Medium"))
                .post(BASE + queueId + "/check-ins");
        first.then().statusCode(201);
        checkIn(queueId, "P2", "Low").then().statusCode(201);

        Response replay = json(RECEPTIONIST).header("Idempotency-Key", key).body(checkInBody("P1", "Medium"))
                .post(BASE + queueId + "/check-ins");
        replay.then().statusCode(201)
                .header("Idempotency-Replayed", equalTo("true"))
                .header("Location", equalTo(first.header("Location")));
        assertEquals(first.body().asString(), replay.body().asString());
        assertEquals(1, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ? AND event_type = "
                + "'PatientCheckedIn' AND payload->>'patientId' = 'P1'", queueId));
        // the causation id of the events is the idempotency key
        assertEquals(2, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ? AND causation_id = ?",
                queueId, key));

        assertProblem(json(RECEPTIONIST).header("Idempotency-Key", key).body(checkInBody("P3", "Medium"))
                .post(BASE + queueId + "/check-ins"), 422, "IDEMPOTENCY_KEY_REUSED");
        assertProblem(json(CASHIER).header("Idempotency-Key", key).post(BASE + queueId + "/cashier/next"),
                422, "IDEMPOTENCY_KEY_REUSED");
        assertEquals(3, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId));
    }

    @Test
    void concurrentRetriesWithOneIdempotencyKeyAppendOnce() {
        String queueId = newQueueId();
        checkIn(queueId, "P0", "Low").then().statusCode(201);
        String key = UUID.randomUUID().toString();
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            responses.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                            + BASE + queueId + "/check-ins"))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .header(AUTHORIZATION, Tokens.bearer(RECEPTIONIST))
                    .POST(HttpRequest.BodyPublishers.ofString(checkInBody("P1", "Low"))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> bodies = responses.stream().map(CompletableFuture::join).peek(r -> assertEquals(201, r.statusCode()))
                .map(HttpResponse::body).collect(Collectors.toSet());
        assertEquals(1, bodies.size(), "every retry sees the one committed response");
        assertEquals(3, TestDb.count("SELECT count(*) FROM events WHERE aggregate_id = ?", queueId));
    }

    // ---------------------------------------------------------------- the whole clinic flow

    @Test
    void fullClinicFlowEndToEnd() {
        String queueId = newQueueId();
        checkIn(queueId, "ANA", "Low").then().statusCode(201);
        json(RECEPTIONIST).body("{\"patientId\":\"BEA\",\"patientName\":\"Bea\",\"priority\":\"Low\","
                        + "\"consultationType\":\"Obstetrics\",\"pregnant\":true}")
                .post(BASE + queueId + "/check-ins").then().statusCode(201)
                .body("priority", equalTo("High")).body("requestedPriority", equalTo("Low"))
                .body("queuePosition", equalTo(1));
        checkIn(queueId, "CAL", "Medium").then().statusCode(201);

        // cashier: BEA (raised to High) first at desk D1, with one pending payment that frees D1
        command(queueId + "/cashier/next", "{\"deskId\":\"D1\"}").then().statusCode(200)
                .body("patientId", equalTo("BEA")).body("status", equalTo("AT_CASHIER")).body("deskId", equalTo("D1"));
        Response busy = command(queueId + "/cashier/next", "{\"deskId\":\"D1\"}");
        assertProblem(busy, 422, "CASHIER_BUSY");
        busy.then().body("detail", containsString("'D1'")).body("detail", containsString("'BEA'"));
        command(queueId + "/patients/BEA/payment/pending", "{\"reason\":\"card declined\"}").then().statusCode(200)
                .body("status", equalTo("PAYMENT_PENDING")).body("paymentAttempts", equalTo(1))
                .body("deskId", nullValue());
        assertProblem(command(queueId + "/patients/BEA/payment/pending", "{}"), 400, "VALIDATION_FAILED");

        // the desk is free: CAL (Medium) is called there and is absent once, while BEA's payment is pending
        command(queueId + "/cashier/next", "{\"deskId\":\"D1\"}").then().statusCode(200)
                .body("patientId", equalTo("CAL"));
        read().get(BASE + queueId).then().statusCode(200)
                .body("cashierDesks", equalTo(List.of(Map.of("deskId", "D1", "patientId", "CAL"))))
                .body("paymentPending", equalTo(List.of("BEA")))
                .body("waitingForCashier", equalTo(List.of("ANA")));
        command(queueId + "/patients/CAL/cashier-absence").then().statusCode(200)
                .body("status", equalTo("WAITING_FOR_CASHIER")).body("cashierAbsences", equalTo(1));
        command(queueId + "/patients/bea/payment", "{\"paymentReference\":\"TX-1\"}").then().statusCode(200)
                .body("status", equalTo("WAITING_FOR_CONSULTATION"));
        // the requeued CAL is still ahead of ANA (Low); ANA pays at the main desk meanwhile
        command(queueId + "/cashier/next").then().statusCode(200).body("patientId", equalTo("CAL"))
                .body("deskId", equalTo("main"));
        command(queueId + "/cashier/next", "{\"deskId\":\"D1\"}").then().statusCode(200)
                .body("patientId", equalTo("ANA"));
        command(queueId + "/patients/ANA/payment").then().statusCode(200);
        command(queueId + "/patients/CAL/payment").then().statusCode(200);
        read().get(BASE + queueId).then().statusCode(200)
                .body("cashierDesks.size()", equalTo(0))
                .body("waitingForConsultation", equalTo(List.of("BEA", "CAL", "ANA")));

        // rooms
        json(DOCTOR).put(BASE + queueId + "/rooms/R1/activation").then().statusCode(200).body("roomId", equalTo("R1"));
        json(DOCTOR).put(BASE + queueId + "/rooms/R2/activation").then().statusCode(200);
        assertProblem(json(DOCTOR).put(BASE + queueId + "/rooms/R1/activation"), 422, "ROOM_ALREADY_ACTIVE");
        command(queueId + "/attention/next", "{\"roomId\":\"R1\"}").then().statusCode(200)
                .body("patientId", equalTo("BEA")).body("status", equalTo("CLAIMED")).body("roomId", equalTo("R1"));
        command(queueId + "/attention/next", "{\"roomId\":\"R2\"}").then().statusCode(200)
                .body("patientId", equalTo("CAL"));
        assertProblem(command(queueId + "/attention/next", "{\"roomId\":\"R2\"}"), 422, "ROOM_BUSY");

        // BEA is attended in R1
        command(queueId + "/patients/BEA/call").then().statusCode(200).body("status", equalTo("CALLED_TO_CONSULTATION"));
        command(queueId + "/patients/BEA/consultation").then().statusCode(200).body("status", equalTo("IN_CONSULTATION"));
        command(queueId + "/patients/BEA/completion", "{\"outcome\":\"discharged\",\"notes\":\"fine\"}")
                .then().statusCode(200).body("status", equalTo("FINISHED"));

        // CAL misses the call twice in R2: requeued, then cancelled
        command(queueId + "/patients/CAL/call").then().statusCode(200);
        command(queueId + "/patients/CAL/consultation-absence").then().statusCode(200)
                .body("status", equalTo("WAITING_FOR_CONSULTATION")).body("consultationAbsences", equalTo(1));
        // requeued CAL (Medium) still goes before ANA (Low)
        command(queueId + "/attention/next", "{\"roomId\":\"R2\"}").then().statusCode(200)
                .body("patientId", equalTo("CAL"));
        command(queueId + "/attention/next", "{\"roomId\":\"R1\"}").then().statusCode(200)
                .body("patientId", equalTo("ANA"));
        command(queueId + "/patients/CAL/call").then().statusCode(200);
        command(queueId + "/patients/CAL/consultation-absence").then().statusCode(200)
                .body("status", equalTo("CANCELLED_BY_ABSENCE"));
        json(DOCTOR).delete(BASE + queueId + "/rooms/R2/activation").then().statusCode(200);
        assertProblem(json(DOCTOR).delete(BASE + queueId + "/rooms/R1/activation"), 422, "ROOM_BUSY");

        read().get(BASE + queueId).then().statusCode(200)
                .body("activePatients", equalTo(1))
                .body("activeRooms.size()", equalTo(1))
                .body("activeRooms[0].patientId", equalTo("ANA"));
        read().get(BASE + queueId + "/patients/BEA").then().statusCode(200)
                .body("status", equalTo("FINISHED")).body("priority", equalTo("High")).body("roomId", equalTo("R1"));

        List<String> types = read().get(BASE + queueId + "/events").then().statusCode(200)
                .extract().jsonPath().getList("eventType");
        assertEquals(List.of("WaitingQueueCreated", "PatientCheckedIn", "PatientCheckedIn", "PatientCheckedIn",
                "PatientCalledAtCashier", "PatientPaymentPending", "PatientCalledAtCashier", "PatientAbsentAtCashier",
                "PatientPaymentValidated", "PatientCalledAtCashier", "PatientCalledAtCashier", "PatientPaymentValidated",
                "PatientPaymentValidated", "ConsultingRoomActivated", "ConsultingRoomActivated",
                "PatientClaimedForAttention", "PatientClaimedForAttention", "PatientCalled", "PatientConsultationStarted",
                "PatientAttentionCompleted", "PatientCalled", "PatientAbsentAtConsultation", "PatientClaimedForAttention",
                "PatientClaimedForAttention", "PatientCalled", "PatientCancelledByAbsence", "ConsultingRoomDeactivated"),
                types);
        assertEquals(types.size(), TestDb.count("SELECT count(*) FROM outbox WHERE aggregate_id = ?", queueId));
        // the stream can be read from any version on
        read().get(BASE + queueId + "/events?fromVersion=26&limit=1").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].eventType", equalTo("PatientCancelledByAbsence"));
        read().get(BASE + queueId + "/events?fromVersion=1000").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aCashierCallWithoutBodyUsesTheMainDeskAndOtherDesksWorkInParallel() {
        String queueId = newQueueId();
        checkIn(queueId, "P1", "Low").then().statusCode(201);
        checkIn(queueId, "P2", "Low").then().statusCode(201);
        checkIn(queueId, "P3", "Low").then().statusCode(201);
        command(queueId + "/cashier/next").then().statusCode(200)
                .body("patientId", equalTo("P1")).body("deskId", equalTo("main"));
        read().get(BASE + queueId + "/events?fromVersion=5").then().statusCode(200)
                .body("[0].eventType", equalTo("PatientCalledAtCashier"))
                .body("[0].schemaVersion", equalTo(2))
                .body("[0].payload.deskId", equalTo("main"));
        Response busy = command(queueId + "/cashier/next");
        assertProblem(busy, 422, "CASHIER_BUSY");
        busy.then().body("detail", containsString("'main'")).body("detail", containsString("'P1'"));
        command(queueId + "/cashier/next", "{\"deskId\":\"D2\"}").then().statusCode(200)
                .body("patientId", equalTo("P2")).body("deskId", equalTo("D2"));
        read().get(BASE + queueId).then().statusCode(200)
                .body("cashierDesks", equalTo(List.of(Map.of("deskId", "D2", "patientId", "P2"),
                        Map.of("deskId", "main", "patientId", "P1"))))
                .body("waitingForCashier", equalTo(List.of("P3")))
                .body("paymentPending.size()", equalTo(0));
        read().get(BASE + queueId + "/patients/P1").then().statusCode(200)
                .body("deskId", equalTo("main")).body("visit", equalTo(1));
    }

    @Test
    void aPatientLeavesThroughTheLeaveEndpointAndARefusalIsAProblem() {
        String queueId = newQueueId();
        checkIn(queueId, "P1", "High").then().statusCode(201);
        checkIn(queueId, "P2", "Low").then().statusCode(201);
        command(queueId + "/cashier/next", "{\"deskId\":\"D1\"}").then().statusCode(200)
                .body("patientId", equalTo("P1"));
        String key = UUID.randomUUID().toString();
        Response left = json(RECEPTIONIST).header("Idempotency-Key", key).header("If-Match", "\"4\"")
                .body("{\"reason\":\"tired of waiting\"}").post(BASE + queueId + "/patients/p1/leave");
        left.then().statusCode(200).header("ETag", containsString("5"))
                .body("status", equalTo("LEFT")).body("events", equalTo(List.of("PatientLeft")))
                .body("deskId", nullValue());
        // replayed by its idempotency key, not applied twice
        json(RECEPTIONIST).header("Idempotency-Key", key).header("If-Match", "\"4\"")
                .body("{\"reason\":\"tired of waiting\"}").post(BASE + queueId + "/patients/p1/leave")
                .then().statusCode(200).header("Idempotency-Replayed", equalTo("true"));
        read().get(BASE + queueId + "/events?fromVersion=5").then().statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].eventType", equalTo("PatientLeft"))
                .body("[0].payload.reason", equalTo("tired of waiting"));
        // the desk is free again and the place too
        read().get(BASE + queueId).then().statusCode(200)
                .body("cashierDesks.size()", equalTo(0)).body("activePatients", equalTo(1));
        command(queueId + "/cashier/next", "{\"deskId\":\"D1\"}").then().statusCode(200)
                .body("patientId", equalTo("P2"));

        Response refused = command(queueId + "/patients/P1/leave");
        assertProblem(refused, 422, "PATIENT_CANNOT_LEAVE");
        refused.then().body("detail", containsString("LEFT"));
        assertProblem(command(queueId + "/patients/P2/leave", "{\"reason\":\"" + "x".repeat(1001) + "\"}"),
                400, "VALIDATION_FAILED");
        assertProblem(command(queueId + "/patients/NOBODY/leave"), 404, "PATIENT_NOT_FOUND");
        // a second visit after leaving
        checkIn(queueId, "P1", "Low").then().statusCode(201).body("visit", equalTo(2));
        read().get(BASE + queueId + "/patients/P1").then().statusCode(200)
                .body("visit", equalTo(2)).body("status", equalTo("WAITING_FOR_CASHIER"));
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("api_commands_total{command=\"Leave\",outcome=\"rejected\"}"));
    }

    // ---------------------------------------------------------------- snapshots

    @Test
    void snapshotsAreWrittenEveryNEventsAndUsedWhenLoading() {
        // The test profile snapshots every 10 events.
        String queueId = newQueueId();
        for (int i = 0; i < 11; i++) {
            checkIn(queueId, "S" + i, "Low").then().statusCode(201);
        }
        List<Map<String, Object>> snapshots = TestDb.rows("SELECT version, state_schema, "
                + "jsonb_typeof(state->'busyDesks') AS desks FROM snapshots WHERE aggregate_id = ?", queueId);
        assertEquals(1, snapshots.size());
        assertEquals(10L, ((Number) snapshots.get(0).get("version")).longValue());
        assertEquals(QueueSnapshot.STATE_SCHEMA, ((Number) snapshots.get(0).get("state_schema")).intValue());
        assertEquals("array", snapshots.get(0).get("desks"));

        // Loading starts from the snapshot: a marker written into it shows up in the state.
        TestDb.update("UPDATE snapshots SET state = jsonb_set(state, '{name}', '\"from-snapshot\"') "
                + "WHERE aggregate_id = ?", queueId);
        read().get(BASE + queueId).then().statusCode(200)
                .body("name", equalTo("from-snapshot"))
                .body("version", equalTo(12))
                .body("activePatients", equalTo(11));
        // and the commands on top of it keep the stream gap-free
        checkIn(queueId, "S11", "Urgent").then().statusCode(201).body("version", equalTo(13))
                .body("queuePosition", equalTo(1));
        // a snapshot of another state schema is ignored: the state comes from the events alone
        TestDb.update("UPDATE snapshots SET state_schema = 1 WHERE aggregate_id = ?", queueId);
        read().get(BASE + queueId).then().statusCode(200)
                .body("name", equalTo(queueId))
                .body("version", equalTo(13))
                .body("activePatients", equalTo(12))
                .body("waitingForCashier[0]", equalTo("S11"));
    }

    // ---------------------------------------------------------------- operations

    @Test
    void healthMetricsAndOpenApiAreServed() {
        ManagementInterface.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("event-store"));
        ManagementInterface.given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        String queueId = newQueueId();
        checkIn(queueId, "M1", "Low").then().statusCode(201);
        assertProblem(checkIn(queueId, "M1", "Low"), 422, "PATIENT_ALREADY_ACTIVE");
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("api_commands_total{command=\"CheckIn\",outcome=\"accepted\"}"), metrics);
        assertTrue(metrics.contains("api_commands_total{command=\"CheckIn\",outcome=\"rejected\"}"));
        ManagementInterface.given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/api/waiting-rooms/{queueId}/check-ins"));
    }

    private static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(json, e);
        }
    }
}
