package com.waitingroom.security;

import com.waitingroom.http.Problem;

/**
 * The 401 and 403 answers of every service, as RFC 9457 problem details with the suite's stable
 * {@code code}. A 401 carries the RFC 6750 challenge; {@code error="invalid_token"} only when a
 * token was presented, so a client can tell "log in" from "your token was refused".
 */
public final class AuthProblems {

    public static final String MEDIA_TYPE = Problem.MEDIA_TYPE;
    public static final String REALM = "waiting-room";

    /** A ready answer: the problem and the WWW-Authenticate value (null for 403). */
    public record Answer(Problem problem, String challenge) {

        public int status() {
            return problem.status();
        }
    }

    private AuthProblems() {
    }

    public static Answer unauthorized(boolean tokenPresented) {
        if (tokenPresented) {
            return new Answer(Problem.of(401, "INVALID_TOKEN", "Unauthorized",
                    "The bearer token was refused: it is expired, not signed by the configured issuer, "
                            + "issued by another issuer or meant for another audience."),
                    "Bearer realm=\"" + REALM + "\", error=\"invalid_token\"");
        }
        return new Answer(Problem.of(401, "AUTHENTICATION_REQUIRED", "Unauthorized",
                "This endpoint needs a bearer token (Authorization: Bearer <JWT>) from the configured issuer."),
                "Bearer realm=\"" + REALM + "\"");
    }

    public static Answer forbidden() {
        return new Answer(Problem.of(403, "ROLE_NOT_ALLOWED", "Forbidden",
                "The token is valid but none of its roles may perform this operation."), null);
    }

    /** True when the request carried an Authorization header with a Bearer token. */
    public static boolean bearerPresented(String authorizationHeader) {
        return authorizationHeader != null
                && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)
                && authorizationHeader.length() > 7;
    }
}
