package com.waitingroom.projection.api;

import com.waitingroom.http.Problem;
import com.waitingroom.projection.live.DisplayFanOut;
import com.waitingroom.projection.live.StreamItem;
import com.waitingroom.projection.store.DisplayQuery;
import com.waitingroom.projection.store.ReadModelQueries;
import com.waitingroom.security.Roles;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

import java.sql.SQLException;
import java.time.Clock;

/**
 * What public waiting-room screens read: the queue's public view (ticket numbers, never names) as a
 * document and as a server-sent event stream that pushes every committed change. Role viewer (a
 * screen's long-lived token), a staff role or admin.
 */
@Path("/api/waiting-rooms/{queueId}")
@Tag(name = "waiting-room screens", description = "The public view of a queue, polled or streamed")
@RolesAllowed({Roles.VIEWER, Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN})
public class ScreenResource {

    static final String SNAPSHOT_EVENT = "snapshot";

    @Inject
    DisplayQuery display;
    @Inject
    ReadModelQueries queries;
    @Inject
    DisplayFanOut fanOut;
    @Inject
    Clock clock;

    @GET
    @Path("/display")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The public view of the queue: who is called to which desk or room, and the waiting tickets"
            + " of each line in the order they will be served")
    @APIResponse(responseCode = "200", description = "The view",
            content = @Content(schema = @Schema(implementation = Views.Display.class)))
    @APIResponse(responseCode = "404", description = "Unknown queue",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response view(@PathParam("queueId") String queueId) throws SQLException {
        Views.Display view = display.read(queueId, clock.instant())
                .orElseThrow(() -> ProblemException.queueNotFound(queueId));
        return Response.ok(view).header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    // Proxies must pass each event on at once (nginx buffers responses unless told not to).
    @ResponseHeader(name = "X-Accel-Buffering", value = "no")
    @ResponseHeader(name = HttpHeaders.CACHE_CONTROL, value = "no-cache")
    @Blocking
    @Operation(summary = "Server-sent events: the public view now, then after every committed change of the queue",
            description = "Each `snapshot` event carries the whole public view (the schema of GET .../display) and"
                    + " its id is the queue's read-model version; send it back as Last-Event-ID to resume (nothing"
                    + " is sent until the next change if it is current). Comment lines every"
                    + " PROJECTION_STREAM_HEARTBEAT keep idle connections open. A client that does not read is"
                    + " disconnected and should reconnect.")
    @APIResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type =
                    org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
    @APIResponse(responseCode = "400", description = "Last-Event-ID is not a version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "404", description = "Unknown queue",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Multi<OutboundSseEvent> stream(
            @PathParam("queueId") String queueId,
            @Parameter(description = "The id of the last event received (a read-model version)")
            @HeaderParam("Last-Event-ID") String lastEventId,
            @Context Sse sse) throws SQLException {
        long resumeFrom = parseLastEventId(lastEventId);
        long current = queries.queueVersion(queueId).orElseThrow(() -> ProblemException.queueNotFound(queueId));
        // An id from the future (a restored database, another environment): start over rather than wait.
        return fanOut.subscribe(queueId, resumeFrom > current ? -1 : resumeFrom).map(item -> toEvent(sse, item));
    }

    private static OutboundSseEvent toEvent(Sse sse, StreamItem item) {
        if (item instanceof StreamItem.Snapshot snapshot) {
            return sse.newEventBuilder().name(SNAPSHOT_EVENT).id(Long.toString(snapshot.version()))
                    .mediaType(MediaType.TEXT_PLAIN_TYPE).data(snapshot.json()).build();
        }
        return sse.newEventBuilder().comment("keep-alive").build();
    }

    private static long parseLastEventId(String text) {
        if (text == null || text.isBlank()) {
            return -1;
        }
        try {
            long version = Long.parseLong(text.trim());
            if (version >= 0) {
                return version;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.invalid("Last-Event-ID", "must be the id of an event of this stream (a version >= 0)");
    }
}
