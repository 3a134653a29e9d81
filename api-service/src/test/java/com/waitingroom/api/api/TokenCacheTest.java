package com.waitingroom.api.api;

import com.waitingroom.security.CachingTokenIdentityProvider;
import com.waitingroom.testsupport.auth.LocalIssuer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static com.waitingroom.api.api.Tokens.AUTHORIZATION;
import static com.waitingroom.security.Roles.VIEWER;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** service-security's verified-token cache is the one in use: each token costs one verification. */
@QuarkusTest
class TokenCacheTest {

    private static final String BASE = "/api/waiting-rooms/";
    private static final LocalIssuer ISSUER = LocalIssuer.shared();

    @Inject
    CachingTokenIdentityProvider tokenCache;

    @Test
    void aTokenIsVerifiedOnceAndReusedButARefusedOneIsNeverRemembered() {
        String token = ISSUER.token().subject("cache-" + UUID.randomUUID()).roles(VIEWER).bearer();
        int before = tokenCache.cachedTokens();
        given().header(AUTHORIZATION, token).get(BASE + "CACHE-" + UUID.randomUUID()).then().statusCode(404);
        assertEquals(before + 1, tokenCache.cachedTokens(), "verified and remembered");
        given().header(AUTHORIZATION, token).get(BASE + "CACHE-" + UUID.randomUUID()).then().statusCode(404);
        assertEquals(before + 1, tokenCache.cachedTokens(), "the second request reused it");
        String expired = ISSUER.token().subject("cache-expired").roles(VIEWER).expired().bearer();
        given().header(AUTHORIZATION, expired).get(BASE + "CACHE-X").then().statusCode(401);
        String forged = ISSUER.token().subject("cache-forged").roles(VIEWER).badSignature().bearer();
        given().header(AUTHORIZATION, forged).get(BASE + "CACHE-X").then().statusCode(401);
        given().header(AUTHORIZATION, forged).get(BASE + "CACHE-X").then().statusCode(401);
        assertEquals(before + 1, tokenCache.cachedTokens(), "refused tokens are not remembered");
    }
}
