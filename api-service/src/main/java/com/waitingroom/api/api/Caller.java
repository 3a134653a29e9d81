package com.waitingroom.api.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who issues a command, as its events record it (envelope {@code actor} and {@code actorRole}): the
 * subject ({@code sub}) of the bearer token, and the first role of the operation's
 * {@code @RolesAllowed} list that the token holds. The lists name the role whose work the operation is
 * first and admin last, so a receptionist's check-in records {@code receptionist} and an admin's
 * {@code admin}. The roles are read from the resource method itself, never repeated here.
 */
public record Caller(String subject, String role) {

    /** Allowed roles per resource method, in declaration order (read once per method). */
    private static final Map<Method, List<String>> ROLES = new ConcurrentHashMap<>();

    /**
     * The caller of {@code operation}. Only called once the security layer has let the request in,
     * so the caller holds one of the operation's roles.
     */
    static Caller of(SecurityContext security, Method operation) {
        Principal principal = security.getUserPrincipal();
        if (principal == null) {
            throw new IllegalStateException("no authenticated caller for " + operation.getName());
        }
        // smallrye-jwt's principal name is upn, preferred_username or sub: the audit trail wants sub
        String subject = principal instanceof JsonWebToken token && token.getSubject() != null
                ? token.getSubject() : principal.getName();
        for (String role : allowedRoles(operation)) {
            if (security.isUserInRole(role)) {
                return new Caller(subject, role);
            }
        }
        throw new IllegalStateException("caller '" + subject + "' holds none of the roles of " + operation.getName());
    }

    static List<String> allowedRoles(Method operation) {
        return ROLES.computeIfAbsent(operation, method -> {
            RolesAllowed allowed = method.getAnnotation(RolesAllowed.class);
            if (allowed == null) {
                throw new IllegalStateException(method.getName() + " declares no @RolesAllowed");
            }
            return List.of(allowed.value());
        });
    }
}
