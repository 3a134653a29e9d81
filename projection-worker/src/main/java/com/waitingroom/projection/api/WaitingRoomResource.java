package com.waitingroom.projection.api;

import com.waitingroom.http.Problem;

import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.store.ReadModelQueries;
import com.waitingroom.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;

/**
 * Read-model queries per waiting queue. Every view carries a weak ETag derived from the queue's
 * applied version (time-derived fields such as waitSeconds are computed per response, hence weak)
 * and Cache-Control: no-cache, so displays poll with If-None-Match and mostly get 304. "Now" is the
 * injected {@link Clock} (tests fix it).
 *
 * <p>The lines (queue, monitor, next turn) need a bearer token with role viewer (a waiting-room screen),
 * or a staff role (receptionist, cashier, doctor: staff read what they act on), or admin; a viewer gets
 * them without names ({@link PublicViews}). History and trajectories (patient-level data) need a staff
 * role or admin.
 */
@Path("/api/waiting-rooms/{queueId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "waiting-room read models", description = "Views of one waiting queue, as the projection last applied its events")
@RolesAllowed({Roles.VIEWER, Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN})
public class WaitingRoomResource {

    @Inject
    ReadModelQueries queries;
    @Inject
    ProjectionConfig config;
    @Inject
    Clock clock;
    @Inject
    SecurityIdentity caller;

    @GET
    @Path("/queue")
    @Operation(summary = "Queue state: the cashier line, the consultation line and pending payments, each in the"
            + " order the aggregate serves it (priority, then line sequence)")
    @APIResponse(responseCode = "200", description = "The view",
            content = @Content(schema = @Schema(implementation = Views.QueueState.class)))
    @APIResponse(responseCode = "404", description = "Unknown queue",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response queue(@PathParam("queueId") String queueId,
                          @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) throws Exception {
        long version = requireQueue(queueId);
        return conditional("queue", version, ifNoneMatch,
                () -> {
                    Views.QueueState view = found(queueId, queries.queueState(queueId, clock.instant()));
                    return PublicViews.seesNames(caller) ? view : PublicViews.withoutNames(view);
                }, Views.QueueState::version);
    }

    @GET
    @Path("/monitor")
    @Operation(summary = "Queue monitor: counts per state and priority, next per line, rooms, wait times, utilization")
    @APIResponse(responseCode = "200", description = "The view",
            content = @Content(schema = @Schema(implementation = Views.QueueMonitor.class)))
    @APIResponse(responseCode = "404", description = "Unknown queue",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response monitor(@PathParam("queueId") String queueId,
                            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) throws Exception {
        long version = requireQueue(queueId);
        return conditional("monitor", version, ifNoneMatch,
                () -> found(queueId, queries.monitor(queueId, clock.instant())), Views.QueueMonitor::version);
    }

    @GET
    @Path("/next-turn")
    @Operation(summary = "Current calls per consulting room and cashier desk, and who each line serves next")
    @APIResponse(responseCode = "200", description = "The view",
            content = @Content(schema = @Schema(implementation = Views.NextTurn.class)))
    @APIResponse(responseCode = "404", description = "Unknown queue",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response nextTurn(@PathParam("queueId") String queueId,
                             @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) throws Exception {
        long version = requireQueue(queueId);
        return conditional("next-turn", version, ifNoneMatch,
                () -> {
                    Views.NextTurn view = found(queueId, queries.nextTurn(queueId, clock.instant()));
                    return PublicViews.seesNames(caller) ? view : PublicViews.withoutNames(view);
                }, Views.NextTurn::version);
    }

    // Patient-level data (names, notes, outcomes, who did what): staff only, not a screen's viewer token.
    @RolesAllowed({Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN})
    @GET
    @Path("/history")
    @Operation(summary = "Last N finished visits (completed, cancelled or left), most recent first")
    @APIResponse(responseCode = "200", description = "The view",
            content = @Content(schema = @Schema(implementation = Views.History.class)))
    @APIResponse(responseCode = "400", description = "Invalid limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "404", description = "Unknown queue",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response history(@PathParam("queueId") String queueId, @QueryParam("limit") String limitText,
                            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) throws Exception {
        int limit = parseLimit(limitText);
        long version = requireQueue(queueId);
        return conditional("history-" + limit, version, ifNoneMatch,
                () -> new Views.History(queueId, version, queries.history(queueId, limit)), Views.History::version);
    }

    // Patient-level data (names, notes, outcomes, who did what): staff only, not a screen's viewer token.
    @RolesAllowed({Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN})
    @GET
    @Path("/patients/{patientId}/trajectory")
    @Operation(summary = "Every step of every visit of one patient with timestamps, grouped by visit")
    @APIResponse(responseCode = "200", description = "The view",
            content = @Content(schema = @Schema(implementation = Views.Trajectory.class)))
    @APIResponse(responseCode = "404", description = "Unknown queue or patient",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response trajectory(@PathParam("queueId") String queueId, @PathParam("patientId") String patientId,
                               @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) throws Exception {
        long version = requireQueue(queueId);
        return conditional("trajectory-" + patientId, version, ifNoneMatch,
                () -> queries.trajectory(queueId, patientId).orElseThrow(() -> ProblemException.notFound(
                        "PATIENT_NOT_FOUND", "patient '" + patientId + "' is not known in queue '" + queueId + "'")),
                Views.Trajectory::version);
    }

    private int parseLimit(String text) {
        if (text == null || text.isBlank()) {
            return 20;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= config.historyLimitMax()) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.invalid("limit", "must be an integer between 1 and " + config.historyLimitMax());
    }

    /** A view of a queue that existed a moment ago (queues are never deleted; a rebuild swaps them atomically). */
    private static <T> T found(String queueId, Optional<T> view) {
        return view.orElseThrow(() -> ProblemException.queueNotFound(queueId));
    }

    private long requireQueue(String queueId) throws SQLException {
        return queries.queueVersion(queueId).orElseThrow(() -> ProblemException.queueNotFound(queueId));
    }

    /**
     * 304 when the client holds the current version; otherwise the body with the ETag of the
     * version the body was read at (it may be newer than the one checked: events keep arriving).
     */
    private static <T> Response conditional(String view, long version, String ifNoneMatch, Callable<T> body,
                                            ToLongFunction<T> bodyVersion) throws Exception {
        if (matches(ifNoneMatch, tag(view, version))) {
            return Response.notModified().header(HttpHeaders.ETAG, etag(view, version))
                    .header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
        }
        T representation = body.call();
        return Response.ok(representation)
                .header(HttpHeaders.ETAG, etag(view, bodyVersion.applyAsLong(representation)))
                .header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
    }

    private static String tag(String view, long version) {
        return view + "-v" + version;
    }

    private static String etag(String view, long version) {
        return "W/\"" + tag(view, version) + "\"";
    }

    /** Weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored, "*" matches any current representation. */
    static boolean matches(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String value = candidate.trim();
            if (value.equals("*")) {
                return true;
            }
            if (value.startsWith("W/")) {
                value = value.substring(2);
            }
            if (value.equals("\"" + tag + "\"")) {
                return true;
            }
        }
        return false;
    }
}
