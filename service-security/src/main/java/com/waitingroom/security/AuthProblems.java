package com.waitingroom.security;

/**
 * The 401 and 403 answers of every service, as RFC 9457 problem details with the suite's stable
 * {@code code}. A 401 carries the RFC 6750 challenge; {@code error="invalid_token"} only when a
 * token was presented, so a client can tell "log in" from "your token was refused".
 */
public final class AuthProblems {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String REALM = "waiting-room";

    private static final String TYPE_BASE = "https://waiting-room.local/problems/";

    /** A ready answer: status, WWW-Authenticate value (null for 403) and JSON body. */
    public record Answer(int status, String challenge, String body) {
    }

    private AuthProblems() {
    }

    public static Answer unauthorized(boolean tokenPresented) {
        if (tokenPresented) {
            return new Answer(401, "Bearer realm=\"" + REALM + "\", error=\"invalid_token\"",
                    body(401, "Unauthorized", "INVALID_TOKEN",
                            "The bearer token was refused: it is expired, not signed by the configured issuer, "
                                    + "issued by another issuer or meant for another audience."));
        }
        return new Answer(401, "Bearer realm=\"" + REALM + "\"",
                body(401, "Unauthorized", "AUTHENTICATION_REQUIRED",
                        "This endpoint needs a bearer token (Authorization: Bearer <JWT>) from the configured issuer."));
    }

    public static Answer forbidden() {
        return new Answer(403, null, body(403, "Forbidden", "ROLE_NOT_ALLOWED",
                "The token is valid but none of its roles may perform this operation."));
    }

    /** True when the request carried an Authorization header with a Bearer token. */
    public static boolean bearerPresented(String authorizationHeader) {
        return authorizationHeader != null
                && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)
                && authorizationHeader.length() > 7;
    }

    private static String body(int status, String title, String code, String detail) {
        // Constant text only: no escaping needed, no JSON library needed.
        return "{\"type\":\"" + TYPE_BASE + code.toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"}";
    }
}
