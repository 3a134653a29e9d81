package com.waitingroom.projection.api;

import com.waitingroom.http.Problem;

import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.messaging.ParkedQueueResumer;
import com.waitingroom.projection.messaging.ProjectionMetrics;
import com.waitingroom.projection.store.Failures;
import com.waitingroom.projection.store.LiveProjection;
import com.waitingroom.projection.store.LiveProjection.ResumeOutcome;
import com.waitingroom.projection.store.ParkedQueue;
import com.waitingroom.projection.store.ProjectionRebuilder;
import com.waitingroom.projection.store.ProjectionStatusQueries;
import com.waitingroom.security.Roles;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Projection status, rebuild, and the queues parked after a projector failure (list, resume). The
 * status is read like the views (viewer, staff roles, admin); everything else is role admin only.
 */
@Path("/api/projections")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "projections", description = "Projection status, rebuild, parked queues and lag statistics")
public class ProjectionAdminResource {

    @Inject
    ProjectionStatusQueries statusQueries;
    @Inject
    ProjectionRebuilder rebuilder;
    @Inject
    ProjectionMetrics metrics;
    @Inject
    LiveProjection projection;
    @Inject
    ParkedQueueResumer resumer;

    @RegisterForReflection
    public record RebuildProgress(Instant startedAt, Instant finishedAt, long applied, long total) {
    }

    @RegisterForReflection
    public record ProjectionStatus(String name, String status, long position, Long storeEvents, Long lagEvents,
                                   long lastLagMillis, Instant lastAppliedAt, long parkedEvents, long parkedQueues,
                                   long deadLetters, String lastError, Instant lastErrorAt, RebuildProgress rebuild) {
    }

    @RegisterForReflection
    public record ParkedQueueView(String queueId, UUID eventId, long version, String eventType, String error,
                                  Instant firstFailedAt, Instant lastAttemptAt, int attempts, long parkedEvents) {
        static ParkedQueueView of(ParkedQueue q) {
            return new ParkedQueueView(q.queueId(), q.eventId(), q.version(), q.eventType(), q.error(),
                    q.firstFailedAt(), q.lastAttemptAt(), q.attempts(), q.parkedEvents());
        }
    }

    /** outcome: RESUMED (its parked events are applied) or PARKED (failed again; error says why). */
    @RegisterForReflection
    public record ResumeResult(String queueId, String outcome, int applied, String error) {
        static ResumeResult of(ResumeOutcome o) {
            return new ResumeResult(o.queueId(), o.resumed() ? "RESUMED" : "PARKED", o.batch().applied().size(),
                    o.error());
        }
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "Projections with position (events applied), backlog vs the event store, lag, status, last error")
    @APIResponse(responseCode = "200", description = "The projections (one: read-models)",
            content = @Content(schema = @Schema(implementation = ProjectionStatus[].class)))
    public List<ProjectionStatus> list() throws Exception {
        ProjectionStatusQueries.StoredStatus stored = statusQueries.status(ProjectionConfig.PROJECTION_NAME)
                .orElseThrow(() -> new IllegalStateException("projection_status row is missing"));
        String lastError = stored.lastError();
        Instant lastErrorAt = stored.lastErrorAt();
        if (metrics.lastErrorAt() != null && (lastErrorAt == null || metrics.lastErrorAt().isAfter(lastErrorAt))) {
            lastError = metrics.lastError();
            lastErrorAt = metrics.lastErrorAt();
        }
        Long lagEvents = stored.storeEvents() == null ? null : Math.max(0, stored.storeEvents() - stored.position());
        return List.of(new ProjectionStatus(ProjectionConfig.PROJECTION_NAME, stored.status(), stored.position(),
                stored.storeEvents(), lagEvents, metrics.lastLag().toMillis(), metrics.lastAppliedAt(),
                stored.parked(), stored.parkedQueues(), (long) metrics.deadLetterCount(), lastError, lastErrorAt,
                new RebuildProgress(stored.rebuildStartedAt(), stored.rebuildFinishedAt(), stored.rebuildApplied(),
                        stored.rebuildTotal())));
    }

    @POST
    @Path("/{name}/rebuild")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Rebuild a projection from the event store into shadow tables and swap them in (admin)")
    @APIResponse(responseCode = "202", description = "Rebuild started; its progress is in GET /api/projections",
            headers = @Header(name = "Location", description = "/api/projections",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(schema = @Schema(implementation = ProjectionStatus.class)))
    @APIResponse(responseCode = "404", description = "Unknown projection",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "409", description = "REBUILD_RUNNING, or EVENT_STORE_MISSING (no event store to rebuild from)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response rebuild(@PathParam("name") String name) throws Exception {
        requireKnown(name);
        boolean started;
        try {
            started = rebuilder.start();
        } catch (IllegalStateException e) {
            throw new ProblemException(409, "EVENT_STORE_MISSING", e.getMessage());
        }
        if (!started) {
            throw new ProblemException(409, "REBUILD_RUNNING", "a rebuild of '" + name + "' is already running");
        }
        return Response.accepted(list().get(0)).header(HttpHeaders.LOCATION, "/api/projections").build();
    }

    @GET
    @Path("/{name}/parked-queues")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Queues parked after a projector failure: the failing event, error, first failure (admin)")
    @APIResponse(responseCode = "200", description = "The parked queues",
            content = @Content(schema = @Schema(implementation = ParkedQueueView[].class)))
    @APIResponse(responseCode = "404", description = "Unknown projection",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Response parkedQueues(@PathParam("name") String name) throws SQLException {
        requireKnown(name);
        try {
            return Response.ok(projection.parkedQueues().stream().map(ParkedQueueView::of).toList()).build();
        } catch (SQLException | RuntimeException e) {
            throwIfUnavailable(e);
            throw e;
        }
    }

    @POST
    @Path("/{name}/parked-queues/{queueId}/resume")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Resume a parked queue: apply its parked events in order; parked again if it fails (admin)")
    @APIResponse(responseCode = "200", description = "outcome RESUMED, or PARKED with the new error",
            content = @Content(schema = @Schema(implementation = ResumeResult.class)))
    @APIResponse(responseCode = "404", description = "Unknown projection, or the queue is not parked",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Response resume(@PathParam("name") String name, @PathParam("queueId") String queueId)
            throws SQLException {
        requireKnown(name);
        try {
            ResumeOutcome outcome = resumer.resume(queueId).orElseThrow(() -> ProblemException.notFound(
                    "QUEUE_NOT_PARKED", "queue '" + queueId + "' is not parked"));
            return Response.ok(ResumeResult.of(outcome)).build();
        } catch (SQLException | RuntimeException e) {
            throwIfUnavailable(e);
            throw e;
        }
    }

    @POST
    @Path("/{name}/parked-queues/resume")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Resume every parked queue (admin); what happened to each")
    @APIResponse(responseCode = "200", description = "What happened to each parked queue",
            content = @Content(schema = @Schema(implementation = ResumeResult[].class)))
    @APIResponse(responseCode = "404", description = "Unknown projection",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Response resumeAll(@PathParam("name") String name) throws SQLException {
        requireKnown(name);
        try {
            return Response.ok(resumer.resumeAll().stream().map(ResumeResult::of).toList()).build();
        } catch (SQLException | RuntimeException e) {
            throwIfUnavailable(e);
            throw e;
        }
    }

    private static void requireKnown(String name) {
        if (!ProjectionConfig.PROJECTION_NAME.equals(name)) {
            throw ProblemException.notFound("PROJECTION_NOT_FOUND",
                    "unknown projection '" + name + "'; known: " + ProjectionConfig.PROJECTION_NAME);
        }
    }

    /** The database is unreachable: 503 (try again), not a 500; anything else propagates as it is. */
    private static void throwIfUnavailable(Exception e) {
        if (!(e instanceof ProblemException) && Failures.isTransient(e)) {
            throw new ProblemException(503, "DATABASE_UNAVAILABLE", "the database is unavailable: try again later");
        }
    }
}
