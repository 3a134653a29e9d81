package com.waitingroom.outbox.api;

import com.waitingroom.outbox.config.OutboxConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Every {@code /admin} request needs {@code Authorization: Bearer $ADMIN_TOKEN}. */
public class AdminAuthFilter {

    private final Optional<byte[]> token;

    AdminAuthFilter(OutboxConfig config) {
        this.token = config.adminToken().filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/admin")) {
            return Optional.empty();
        }
        if (token.isEmpty()) {
            return Optional.of(unauthorized("ADMIN_DISABLED", "admin endpoints are disabled: ADMIN_TOKEN is not set"));
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(unauthorized("UNAUTHORIZED", "missing 'Authorization: Bearer <token>' header"));
        }
        byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison so the token cannot be guessed byte by byte from timings.
        if (!MessageDigest.isEqual(presented, token.get())) {
            return Optional.of(unauthorized("UNAUTHORIZED", "invalid bearer token"));
        }
        return Optional.empty();
    }

    private static Response unauthorized(String code, String detail) {
        Response problem = Problem.response(Response.Status.UNAUTHORIZED, code, detail);
        return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }
}
