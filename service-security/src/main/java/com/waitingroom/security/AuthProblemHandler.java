package com.waitingroom.security;

import com.waitingroom.http.FrameworkProblems;
import com.waitingroom.http.HttpProblems;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * The public HTTP server's first route: a request without a bearer token gets a problem+json 401 at
 * once (every path of the public server needs one; the management interface is another server), and
 * the security layer's failures (a refused token, a role that does not allow the path) become
 * problem+json 401/403 answers instead of Quarkus' empty ones. Resources that check roles themselves
 * (JAX-RS {@code @RolesAllowed}) map the same exceptions with {@link AuthProblems} in their own
 * exception mappers. A service may exempt paths that hold no data with {@code auth.public-paths}
 * (path prefixes, none by default), e.g. a page that then calls the API with a token; those paths
 * must also be permitted by an HTTP permission and declared public in the OpenAPI document.
 */
@ApplicationScoped
public class AuthProblemHandler {

    private static final Logger LOG = Logger.getLogger(AuthProblemHandler.class);
    /** After the correlation id and the size limits (service-http), before everything else. */
    static final int ORDER = FrameworkProblems.LIMITS_ORDER + 1;

    private final List<String> publicPaths;

    AuthProblemHandler(@ConfigProperty(name = "auth.public-paths") Optional<List<String>> publicPaths) {
        this.publicPaths = publicPaths.orElse(List.of());
    }

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(this::requireBearer).failureHandler(this::handle);
    }

    void requireBearer(RoutingContext context) {
        if (AuthProblems.bearerPresented(context.request().getHeader(HttpHeaders.AUTHORIZATION))
                || isPublic(context.normalizedPath())) {
            context.next();
        } else {
            write(context, AuthProblems.unauthorized(false));
        }
    }

    private boolean isPublic(String path) {
        for (String prefix : publicPaths) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    void handle(RoutingContext context) {
        AuthProblems.Answer answer = answerFor(context);
        if (answer == null || context.response().headWritten()) {
            context.next();
            return;
        }
        write(context, answer);
    }

    /** The answer for a security failure in this context, or null when the failure is not one. */
    public static AuthProblems.Answer answerFor(RoutingContext context) {
        Throwable failure = context.failure();
        if (failure instanceof AuthenticationFailedException
                || failure instanceof AuthenticationCompletionException
                || failure instanceof UnauthorizedException) {
            LOG.debugf(failure, "401 for %s %s", context.request().method(), context.normalizedPath());
            return AuthProblems.unauthorized(
                    AuthProblems.bearerPresented(context.request().getHeader(HttpHeaders.AUTHORIZATION)));
        }
        if (failure instanceof ForbiddenException) {
            return AuthProblems.forbidden();
        }
        return null;
    }

    public static void write(RoutingContext context, AuthProblems.Answer answer) {
        if (answer.challenge() != null) {
            context.response().putHeader("WWW-Authenticate", answer.challenge());
        }
        HttpProblems.send(context, answer.problem());
    }
}
