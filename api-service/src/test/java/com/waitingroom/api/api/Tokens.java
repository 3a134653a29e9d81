package com.waitingroom.api.api;

import com.waitingroom.testsupport.auth.LocalIssuer;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens of the tests' local issuer, one per role (subject {@code <role>-test}, valid for an hour),
 * signed once and reused.
 */
public final class Tokens {

    public static final String AUTHORIZATION = "Authorization";

    private static final Map<String, String> BY_ROLE = new ConcurrentHashMap<>();

    private Tokens() {
    }

    /** The Authorization header value for a role. */
    public static String bearer(String role) {
        return BY_ROLE.computeIfAbsent(role, LocalIssuer.shared()::bearer);
    }

    /** RestAssured with a token of this role. */
    public static RequestSpecification as(String role) {
        return RestAssured.given().header(AUTHORIZATION, bearer(role));
    }
}
