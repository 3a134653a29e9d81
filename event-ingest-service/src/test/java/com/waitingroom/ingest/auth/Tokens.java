package com.waitingroom.ingest.auth;

import com.waitingroom.testsupport.TestPorts;
import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.auth.LocalIssuer;

import io.restassured.specification.RequestSpecification;

/** Requests with the bearer token of a role of this JVM's test issuer, and to the management port. */
public final class Tokens {

    public static final String AUTHORIZATION = "Authorization";

    private Tokens() {
    }

    /** One token per role, minted again after half of its hour: most tests send hundreds of requests. */
    private static final Map<String, Minted> BY_ROLE = new ConcurrentHashMap<>();

    private record Minted(String bearer, Instant at) {
    }

    /** The Authorization header value for a role (subject {@code <role>-test}). */
    public static String bearer(String role) {
        return BY_ROLE.compute(role, (key, minted) -> minted != null && minted.at().isAfter(Instant.now().minus(Duration.ofMinutes(30)))
                ? minted : new Minted(LocalIssuer.shared().bearer(key), Instant.now())).bearer();
    }

    /** The Authorization header value for a subject holding {@code roles}. */
    public static String bearer(String subject, String... roles) {
        return LocalIssuer.shared().token().subject(subject).roles(roles).bearer();
    }

    /** A log shipper: may POST /events. */
    public static RequestSpecification asWriter() {
        return given().header(AUTHORIZATION, bearer(Roles.LOG_WRITER));
    }

    /** A log reader: may GET /events and /events/summary. */
    public static RequestSpecification asReader() {
        return given().header(AUTHORIZATION, bearer(Roles.LOG_READER));
    }

    /** The management interface: health, metrics, OpenAPI, without a token. */
    public static RequestSpecification management() {
        return given().port(TestPorts.management());
    }
}
