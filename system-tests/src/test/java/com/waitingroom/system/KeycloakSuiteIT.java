package com.waitingroom.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.waitingroom.testsupport.auth.LocalIssuer;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The suite behind a real OpenID Connect provider: Keycloak (its server distribution, run as a local
 * process) issues the tokens through the client-credentials grant, the services know it only by
 * configuration (issuer, JWKS URL, audience, roles claim {@code realm_access/roles}), and a check-in
 * travels api → outbox → RabbitMQ → read model with the receptionist's token, recorded as done by
 * that token's subject.
 */
class KeycloakSuiteIT {

    private static KeycloakServer keycloak;
    private static Suite suite;
    private static final Map<String, String> BEARERS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        keycloak = KeycloakServer.start();
        System.out.printf("keycloak: ready in %d ms%n", keycloak.timeToReady().toMillis());
        suite = Suite.start(keycloak.serviceEnv(), KeycloakSuiteIT::bearer);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (suite != null) {
            suite.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    /** One token per role for the whole test (Keycloak's access tokens live 5 minutes). */
    private static String bearer(String role) {
        return BEARERS.computeIfAbsent(role, r -> {
            try {
                return keycloak.bearer(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aCheckInWithKeycloakTokensReachesTheReadModelAndRecordsWhoDidIt() throws Exception {
        String queueId = "KC-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String checkIns = suite.api.baseUrl() + "/api/waiting-rooms/" + queueId + "/check-ins";
        String body = "{\"patientId\":\"P-1\",\"patientName\":\"Ana\",\"priority\":\"High\",\"consultationType\":\"General\"}";

        // Refused: no token, a token of another issuer, a role whose work this is not.
        given().contentType(ContentType.JSON).body(body).post(checkIns)
                .then().statusCode(401).contentType(startsWith("application/problem+json"))
                .header("WWW-Authenticate", startsWith("Bearer")).body("code", equalTo("AUTHENTICATION_REQUIRED"));
        given().header("Authorization", LocalIssuer.shared().bearer("receptionist")).contentType(ContentType.JSON)
                .body(body).post(checkIns)
                .then().statusCode(401).body("code", equalTo("INVALID_TOKEN"));
        given().header("Authorization", bearer("doctor")).contentType(ContentType.JSON).body(body).post(checkIns)
                .then().statusCode(403).contentType(startsWith("application/problem+json"))
                .body("code", equalTo("ROLE_NOT_ALLOWED"));

        // Allowed: the receptionist checks the patient in; a viewer's screen shows it.
        given().header("Authorization", bearer("receptionist")).contentType(ContentType.JSON).body(body).post(checkIns)
                .then().statusCode(201).body("patientId", equalTo("P-1"));
        String queueView = suite.projection.baseUrl() + "/api/waiting-rooms/" + queueId + "/queue";
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                given().header("Authorization", bearer("viewer")).get(queueView).statusCode() == 200);
        JsonPath queue = given().header("Authorization", bearer("viewer")).get(queueView)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("P-1"), queue.getList("cashierLine.patientId", String.class));

        // Audit: the event names the receptionist token's subject and the role it acted under.
        JsonNode receptionist = KeycloakServer.claims(bearer("receptionist").substring("Bearer ".length()));
        JsonPath events = given().header("Authorization", bearer("receptionist"))
                .get(suite.api.baseUrl() + "/api/waiting-rooms/" + queueId + "/events")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(receptionist.get("sub").asText(), receptionist.get("sub").asText()),
                events.getList("actor", String.class), "queue created and patient checked in by the receptionist");
        assertEquals(List.of("receptionist", "receptionist"), events.getList("actorRole", String.class));
    }
}
