package com.waitingroom.ingest.api;

import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.waitingroom.http.HttpProblems;
import com.waitingroom.http.Problem;
import com.waitingroom.ingest.domain.FieldError;

import io.vertx.ext.web.RoutingContext;

/**
 * This service's refusals in the suite's one problem shape (service-http), with its extensions:
 * {@code failedItems}, {@code eventIds} and the refusing {@code limit}. On an OTLP request the same
 * refusal goes out as the protocol's Status instead ({@link OtlpStatus}).
 */
final class Problems {

    static final JsonFactory JSON = new JsonFactory();

    private Problems() {
    }

    static void send(RoutingContext ctx, int status, String code, String title, String detail) {
        send(ctx, status, code, title, detail, List.of(), List.of(), null, 0);
    }

    static void send(RoutingContext ctx, int status, String code, String title, String detail,
            List<FieldError> errors, List<Integer> failedItems, List<String> eventIds, long retryAfterSeconds) {
        send(ctx, status, code, title, detail, errors, failedItems, eventIds, retryAfterSeconds, null, null);
    }

    /** 429 RATE_LIMITED naming the limit that refused the request ({@code limit}: client-address or subject). */
    static void rateLimited(RoutingContext ctx, ClientRateLimiter.Refusal refusal) {
        send(ctx, 429, "RATE_LIMITED", "Too many events", refusal.detail(), List.of(), List.of(), null,
                refusal.retryAfterSeconds(), "limit", refusal.limit().key);
    }

    private static void send(RoutingContext ctx, int status, String code, String title, String detail,
            List<FieldError> errors, List<Integer> failedItems, List<String> eventIds, long retryAfterSeconds,
            String extensionName, String extensionValue) {
        Problem problem = Problem.of(status, code, title, detail)
                .withErrors(errors.stream().map(e -> new Problem.FieldError(e.field(), e.message())).toList())
                .retryAfter(retryAfterSeconds);
        if (extensionName != null) {
            problem = problem.with(extensionName, extensionValue);
        }
        if (!failedItems.isEmpty()) {
            problem = problem.with("failedItems", failedItems);
        }
        if (eventIds != null) {
            problem = problem.with("eventIds", eventIds);
        }
        if (OtlpStatus.requested(ctx)) {
            OtlpStatus.send(ctx, problem); // OTLP/HTTP answers errors with google.rpc.Status
        } else {
            HttpProblems.send(ctx, problem);
        }
    }
}
