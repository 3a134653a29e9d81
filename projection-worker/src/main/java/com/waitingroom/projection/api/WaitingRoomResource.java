package com.waitingroom.projection.api;

import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.store.ReadModelQueries;
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
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Read-model queries per waiting queue. Every view carries a weak ETag derived from the queue's
 * applied version (time-derived fields such as waitSeconds are computed per response, hence weak)
 * and Cache-Control: no-cache, so displays poll with If-None-Match and mostly get 304.
 */
@Path("/api/waiting-rooms/{queueId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "waiting-room read models")
public class WaitingRoomResource {

    @Inject
    ReadModelQueries queries;
    @Inject
    ProjectionConfig config;

    @GET
    @Path("/queue")
    @Operation(summary = "Queue state: patients waiting, by priority (Urgent first) then check-in time")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Views.QueueState.class)))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag in If-None-Match")
    @APIResponse(responseCode = "404", description = "Unknown queue", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Response queue(@PathParam("queueId") String queueId,
                          @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) throws Exception {
        long version = requireQueue(queueId);
        return conditional("queue", version, ifNoneMatch,
                () -> new Views.QueueState(queueId, version, queries.waitingPatients(queueId, Instant.now())));
    }

    @GET
    @Path("/monitor")
    @Operation(summary = "Queue monitor: waiting by priority, at cashier / in consultation, rooms, wait times, utilization")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Views.QueueMonitor.class)))
    @APIResponse(responseCode = "404", description = "Unknown queue", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Response monitor(@PathParam("queueId") String queueId,
                            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) throws Exception {
        long version = requireQueue(queueId);
        return conditional("monitor", version, ifNoneMatch, () -> queries.monitor(queueId, version, Instant.now()));
    }

    @GET
    @Path("/next-turn")
    @Operation(summary = "Current calls per consulting room and cashier desk, and who is next (waiting-room display)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Views.NextTurn.class)))
    @APIResponse(responseCode = "404", description = "Unknown queue", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Response nextTurn(@PathParam("queueId") String queueId,
                             @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) throws Exception {
        long version = requireQueue(queueId);
        return conditional("next-turn", version, ifNoneMatch, () -> queries.nextTurn(queueId, version, Instant.now()));
    }

    @GET
    @Path("/history")
    @Operation(summary = "Last N completed or cancelled attentions, most recent first")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Views.History.class)))
    @APIResponse(responseCode = "400", description = "Invalid limit", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "404", description = "Unknown queue", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Response history(@PathParam("queueId") String queueId, @QueryParam("limit") String limitText,
                            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) throws Exception {
        int limit = parseLimit(limitText);
        long version = requireQueue(queueId);
        return conditional("history-" + limit, version, ifNoneMatch,
                () -> new Views.History(queueId, version, queries.history(queueId, limit)));
    }

    @GET
    @Path("/patients/{patientId}/trajectory")
    @Operation(summary = "Every step of one patient's visit with timestamps")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Views.Trajectory.class)))
    @APIResponse(responseCode = "404", description = "Unknown queue or patient",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Response trajectory(@PathParam("queueId") String queueId, @PathParam("patientId") String patientId,
                               @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) throws Exception {
        long version = requireQueue(queueId);
        return conditional("trajectory-" + patientId, version, ifNoneMatch,
                () -> queries.trajectory(queueId, patientId, version).orElseThrow(() -> ProblemException.notFound(
                        "PATIENT_NOT_FOUND", "patient '" + patientId + "' is not known in queue '" + queueId + "'")));
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

    private long requireQueue(String queueId) throws SQLException {
        return queries.queueVersion(queueId).orElseThrow(() -> ProblemException.notFound("QUEUE_NOT_FOUND",
                "waiting queue '" + queueId + "' is unknown to the projection"));
    }

    private static Response conditional(String view, long version, String ifNoneMatch, Callable<Object> body)
            throws Exception {
        String tag = view + "-v" + version;
        String etag = "W/\"" + tag + "\"";
        if (matches(ifNoneMatch, tag)) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).header(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .build();
        }
        return Response.ok(body.call()).header(HttpHeaders.ETAG, etag).header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .build();
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
