package com.waitingroom.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Sends a {@link Problem} on a Vert.x route: status, media type, Retry-After and the request's correlation id. */
public final class HttpProblems {

    private HttpProblems() {
    }

    public static void send(RoutingContext context, Problem problem) {
        HttpServerResponse response = context.response();
        if (response.ended() || response.closed() || response.headWritten()) {
            return;
        }
        response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (problem.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Long.toString(problem.retryAfterSeconds()));
        }
        response.end(problem.toJson(CorrelationIds.of(context)));
    }
}
