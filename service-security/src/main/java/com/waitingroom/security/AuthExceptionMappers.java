package com.waitingroom.security;

import com.waitingroom.http.jaxrs.ProblemResponses;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The JAX-RS services' 401/403 for {@code @RolesAllowed}: the same problem+json answers as
 * {@link AuthProblemHandler} gives on the router. Quarkus REST finds these global mappers in this
 * bean archive; they win over a service's catch-all mapper (a more specific exception type).
 */
public class AuthExceptionMappers {

    /** No identity where the operation needs one: 401 with the Bearer challenge. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, HttpServerRequest request) {
        return response(AuthProblems.unauthorized(AuthProblems.bearerPresented(request.getHeader(HttpHeaders.AUTHORIZATION))));
    }

    /** A valid token without any of the operation's roles: 403 ROLE_NOT_ALLOWED. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return response(AuthProblems.forbidden());
    }

    private static Response response(AuthProblems.Answer answer) {
        Response response = ProblemResponses.of(answer.problem());
        return answer.challenge() == null ? response
                : Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, answer.challenge()).build();
    }
}
