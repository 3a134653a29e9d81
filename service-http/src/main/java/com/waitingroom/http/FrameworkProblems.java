package com.waitingroom.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Problem+json for what the framework answers by itself: no route (404), a route without the method
 * (405), content negotiation (406/415), a body over the server-wide limit (413), a request line over
 * the URI limit (414), and any failure no route handled (400 for client errors, 500 otherwise).
 *
 * <p>Vert.x writes 413 and 414 bare when its codec or Quarkus' upload limit refuses a request, before
 * any route runs. So the limits are checked here first, on the public server's second route: the
 * server's own limits sit above ours ({@code quarkus.http.limits.max-initial-line-length} is set higher
 * than {@code http.max-uri-length}) and only catch what is absurd.
 */
@ApplicationScoped
public class FrameworkProblems {

    private static final Logger LOG = Logger.getLogger(FrameworkProblems.class);
    /** After the correlation id, before service-security's bearer check: a refusal by size needs no token. */
    public static final int LIMITS_ORDER = CorrelationIdHandler.ORDER + 1;
    /** Service routes' own failure handlers come first; this one answers what they left. */
    static final int FALLBACK_FAILURE_ORDER = Integer.MAX_VALUE - 1;

    private final int maxUriLength;
    private final long maxBodyBytes;

    public FrameworkProblems(@ConfigProperty(name = "http.max-uri-length", defaultValue = "8192") int maxUriLength,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") io.quarkus.runtime.configuration.MemorySize maxBody) {
        this.maxUriLength = maxUriLength;
        this.maxBodyBytes = maxBody.asLongValue();
    }

    void register(@Observes Router router) {
        router.route().order(LIMITS_ORDER).handler(this::checkLimits);
        router.route().order(FALLBACK_FAILURE_ORDER).failureHandler(this::unhandledFailure);
        for (int status : new int[] { 400, 404, 405, 406, 413, 414, 415, 500 }) {
            router.errorHandler(status, context -> answer(context, status));
        }
    }

    void checkLimits(RoutingContext context) {
        if (context.request().uri().length() > maxUriLength) {
            closeAfter(context);
            HttpProblems.send(context, Problem.of(414, "URI_TOO_LONG", "URI too long",
                    "The request target is longer than " + maxUriLength + " characters"));
            return;
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && exceeds(length)) {
            closeAfter(context);
            HttpProblems.send(context, bodyTooLarge());
            return;
        }
        context.next();
    }

    private boolean exceeds(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false; // the codec refuses it
        }
    }

    private Problem bodyTooLarge() {
        return Problem.of(413, "PAYLOAD_TOO_LARGE", "Payload too large",
                "The body is larger than this server accepts (" + maxBodyBytes + " bytes)");
    }

    /** The body is not read: the connection closes after the answer rather than draining it. */
    private static void closeAfter(RoutingContext context) {
        context.response().putHeader(HttpHeaders.CONNECTION, "close");
    }

    void unhandledFailure(RoutingContext context) {
        int status = context.statusCode();
        if (status < 400 || status > 599) {
            status = 500;
        }
        answer(context, status);
    }

    void answer(RoutingContext context, int status) {
        if (context.response().headWritten()) {
            return;
        }
        if (status >= 500) {
            LOG.errorf(context.failure(), "Unhandled failure of %s %s", context.request().method(), context.request().path());
        }
        HttpProblems.send(context, forStatus(context, status));
    }

    private Problem forStatus(RoutingContext context, int status) {
        String method = context.request().method().name();
        return switch (status) {
            case 404 -> Problem.of(404, "NOT_FOUND", "Not found", "No resource at " + context.request().path());
            case 405 -> Problem.of(405, "METHOD_NOT_ALLOWED", "Method not allowed",
                    method + " is not allowed on " + context.request().path());
            case 406 -> Problem.of(406, "NOT_ACCEPTABLE", "Not acceptable",
                    "No representation matches the Accept header; this resource answers JSON");
            case 413 -> bodyTooLarge();
            case 414 -> Problem.of(414, "URI_TOO_LONG", "URI too long",
                    "The request target is longer than " + maxUriLength + " characters");
            case 415 -> Problem.of(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type",
                    "The Content-Type of the body is not one this resource reads");
            case 500 -> Problem.of(500, "INTERNAL_ERROR", "Internal error", "Unexpected error; see the service log");
            default -> {
                HttpResponseStatus known = HttpResponseStatus.valueOf(status);
                String reason = known.reasonPhrase();
                yield Problem.of(status, Problem.codeFor(reason), reason,
                        status < 500 ? "The request could not be served as sent" : "The request failed; retry later");
            }
        };
    }
}
