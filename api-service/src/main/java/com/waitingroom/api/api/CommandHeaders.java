package com.waitingroom.api.api;

import com.waitingroom.http.CorrelationIds;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

import java.util.regex.Pattern;

/**
 * What every command takes from its request besides the body: its headers, validated here so a bad
 * header is a 400, never a 500, and its caller (the bearer token's subject and role, {@link Caller}).
 */
public class CommandHeaders {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String IDEMPOTENCY_REPLAYED = "Idempotency-Replayed";

    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");
    private static final Pattern ENTITY_TAG = Pattern.compile("(?:W/)?\"?(\\d{1,18})\"?");

    @HeaderParam(CorrelationIds.HEADER)
    String correlationId;

    @HeaderParam(IDEMPOTENCY_KEY)
    String idempotencyKey;

    @HeaderParam("If-Match")
    String ifMatch;

    @Context
    SecurityContext security;

    @Context
    ResourceInfo operation;

    public String correlationId() {
        return correlationId;
    }

    public String idempotencyKey() {
        if (idempotencyKey == null) {
            return null;
        }
        if (!KEY.matcher(idempotencyKey).matches()) {
            throw ProblemException.badRequest("INVALID_IDEMPOTENCY_KEY",
                    "Idempotency-Key must be 1 to 200 visible ASCII characters");
        }
        return idempotencyKey;
    }

    /** The version the client expects the queue to be at, from If-Match ("7", W/"7" or 7); null = any. */
    public Long expectedVersion() {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        var matcher = ENTITY_TAG.matcher(ifMatch.trim());
        if (!matcher.matches()) {
            throw ProblemException.badRequest("INVALID_IF_MATCH",
                    "If-Match must be the queue version as an entity tag, e.g. \"7\"");
        }
        return Long.parseLong(matcher.group(1));
    }

    /** Who issues the command, as its events record it. */
    public Caller caller() {
        return Caller.of(security, operation.getResourceMethod());
    }
}
