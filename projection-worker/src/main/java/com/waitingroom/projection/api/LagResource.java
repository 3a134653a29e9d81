package com.waitingroom.projection.api;

import com.waitingroom.http.Problem;

import com.waitingroom.kernel.EventTypeRegistry;
import com.waitingroom.projection.store.ProjectionStatusQueries;
import com.waitingroom.security.Roles;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * End-to-end lag statistics from the applied_events sample table (kept for projection.lag-retention).
 * Lag = applied-at minus the event's occurred-at, in milliseconds. Read roles as the views.
 */
@Path("/api/metrics/lag")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "projections", description = "Projection status, rebuild, parked queues and lag statistics")
@RolesAllowed({Roles.VIEWER, Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN})
public class LagResource {

    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

    @Inject
    ProjectionStatusQueries statusQueries;

    @RegisterForReflection
    public record LagReport(String eventType, Instant from, Instant to, long count, Double p50Millis,
                            Double p95Millis, Double p99Millis, Double maxMillis, double eventsPerSecond) {
    }

    @GET
    @Operation(summary = "Lag percentiles and throughput of applied events in [from, to) (default: the last 5 minutes)")
    @APIResponse(responseCode = "200", description = "Lag statistics of the window",
            content = @Content(schema = @Schema(implementation = LagReport.class)))
    @APIResponse(responseCode = "400", description = "Bad eventType/from/to",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public LagReport lag(@QueryParam("eventType") String eventType, @QueryParam("from") String fromText,
                         @QueryParam("to") String toText) throws Exception {
        if (eventType != null && !eventType.isBlank() && EventTypeRegistry.standard().find(eventType).isEmpty()) {
            throw ProblemException.invalid("eventType", "unknown event type '" + eventType + "'");
        }
        String type = eventType == null || eventType.isBlank() ? null : eventType;
        Instant to = parse("to", toText, Instant.now());
        Instant from = parse("from", fromText, to.minus(DEFAULT_WINDOW));
        if (!from.isBefore(to)) {
            throw ProblemException.invalid("from", "must be before 'to'");
        }
        ProjectionStatusQueries.LagStats stats = statusQueries.lag(type, from, to);
        double seconds = Duration.between(from, to).toMillis() / 1000.0;
        return new LagReport(type, from, to, stats.count(), stats.p50(), stats.p95(), stats.p99(), stats.max(),
                Math.round(stats.count() / seconds * 100.0) / 100.0);
    }

    private static Instant parse(String field, String text, Instant fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "must be an ISO-8601 instant such as 2026-01-31T10:15:30Z");
        }
    }
}
