package com.waitingroom.projection;

import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.auth.LocalIssuer;
import com.waitingroom.testsupport.TestPorts;
import io.restassured.specification.RequestSpecification;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.restassured.RestAssured.given;

/**
 * Requests of the tests: on the public port with a bearer token of the test issuer (viewer reads the
 * lines, staff the patient-level views, admin administers), or on the management port (health, metrics, OpenAPI; no token).
 */
public final class Api {

    private static final Duration TOKEN_REUSE = Duration.ofMinutes(30); // tokens are valid for an hour
    private static final Map<String, Token> TOKENS = new ConcurrentHashMap<>();

    private record Token(String bearer, long madeAt) {
    }

    private Api() {
    }

    /** A request with a token of role viewer (the read endpoints). */
    public static RequestSpecification viewer() {
        return as(Roles.VIEWER);
    }

    /** A request with a staff token (doctor): history and trajectories, which a viewer may not read. */
    public static RequestSpecification staff() {
        return as(Roles.DOCTOR);
    }

    /** A request with a token of role admin (rebuild, parked queues). */
    public static RequestSpecification admin() {
        return as(Roles.ADMIN);
    }

    public static RequestSpecification as(String role) {
        return given().header("Authorization", bearer(role));
    }

    /** The Authorization header value for a role (one token per role, reused for half an hour). */
    public static String bearer(String role) {
        long now = System.nanoTime();
        return TOKENS.compute(role, (r, token) -> token != null && now - token.madeAt() < TOKEN_REUSE.toNanos()
                ? token : new Token(LocalIssuer.shared().bearer(r), now)).bearer();
    }

    /** A request to the management interface. */
    public static RequestSpecification management() {
        return given().port(managementPort());
    }

    public static int managementPort() {
        return TestPorts.management();
    }
}
