package com.waitingroom.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real identity provider: Keycloak (started as a local process) issues, through the OAuth2
 * client-credentials grant, one token per waiting-room role with the issuer, audience and roles claim the
 * services are configured for ({@link KeycloakServer#serviceEnv()}), and refuses a wrong client secret.
 */
class KeycloakTokensIT {

    static final List<String> ROLES = KeycloakServer.ROLES;

    static KeycloakServer keycloak;

    @BeforeAll
    static void startKeycloak() throws Exception {
        keycloak = KeycloakServer.start();
        System.out.printf("Keycloak time to ready: %d ms%n", keycloak.timeToReady().toMillis());
    }

    @AfterAll
    static void stopKeycloak() throws InterruptedException {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @ParameterizedTest
    @FieldSource("ROLES")
    void aClientCredentialsTokenCarriesIssuerAudienceAndRole(String role) throws Exception {
        String token = keycloak.token(role);
        JsonNode claims = KeycloakServer.claims(token);
        System.out.printf("Keycloak token for %s: %s%n", role, claims);

        assertEquals(keycloak.issuer(), claims.path("iss").asText(), "iss");
        assertTrue(strings(claims.path("aud")).contains(KeycloakServer.AUDIENCE), "aud " + claims.path("aud"));
        assertTrue(strings(claims.path("realm_access").path("roles")).contains(role),
                "realm_access.roles " + claims.path("realm_access"));
        assertTrue(claims.path("exp").asLong() > Instant.now().getEpochSecond(), "exp " + claims.path("exp"));
        assertFalse(claims.path("sub").asText().isBlank(), "sub " + claims.path("sub"));
    }

    @Test
    void aWrongClientSecretIsRefused() throws Exception {
        HttpResponse<String> response =
                keycloak.tokenRequest(KeycloakServer.clientId("admin"), "not-the-secret");
        System.out.println("Keycloak answer to a wrong secret: " + response.statusCode() + " " + response.body());
        assertEquals(401, response.statusCode(), response.body());
    }

    @Test
    void anUnknownClientIsRefused() throws Exception {
        HttpResponse<String> response = keycloak.tokenRequest("waiting-room-nobody", "whatever");
        assertEquals(401, response.statusCode(), response.body());
    }

    @Test
    void theServiceEnvironmentPointsAtThisRealm() {
        assertEquals(keycloak.issuer(), keycloak.serviceEnv().get("AUTH_ISSUER"));
        assertEquals(keycloak.issuer() + "/protocol/openid-connect/certs", keycloak.serviceEnv().get("AUTH_JWKS_URL"));
        assertEquals("waiting-room", keycloak.serviceEnv().get("AUTH_AUDIENCE"));
        assertEquals("realm_access/roles", keycloak.serviceEnv().get("AUTH_ROLES_CLAIM"));
    }

    /** A claim that is a string or an array of strings (aud is either), as a list. */
    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(value -> values.add(value.asText()));
        } else if (node.isTextual()) {
            values.add(node.asText());
        }
        return values;
    }
}
