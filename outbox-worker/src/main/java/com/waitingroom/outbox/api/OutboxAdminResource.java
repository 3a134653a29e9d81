package com.waitingroom.outbox.api;

import com.waitingroom.http.Problem;
import com.waitingroom.outbox.messaging.OutboxRelay;
import com.waitingroom.outbox.store.OutboxAdminStore;
import com.waitingroom.security.Roles;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Operator view of the outbox: counts, pending/dead listings and requeue of dead rows. Every
 * operation, the read-only ones included, needs the role admin (README, "Access control").
 */
@Path("/admin/outbox")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "outbox admin", description = "Operator view of the outbox: counts, listings, requeue of dead rows")
public class OutboxAdminResource {

    private static final Set<String> LISTABLE = Set.of("pending", "dead");
    private static final int MAX_LIMIT = 500;

    private final OutboxAdminStore store;
    private final OutboxRelay relay;

    OutboxAdminResource(OutboxAdminStore store, OutboxRelay relay) {
        this.store = store;
        this.relay = relay;
    }

    @RegisterForReflection
    public record RowPage(List<OutboxAdminStore.RowView> rows, Long nextAfterId) {
    }

    @RegisterForReflection
    public record RequeueResponse(int requeued) {
    }

    @GET
    @Path("/counts")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Rows per status: pending, dispatched, dead")
    @APIResponse(responseCode = "200", description = "Counts per status",
            content = @Content(schema = @Schema(implementation = OutboxAdminStore.Counts.class)))
    public OutboxAdminStore.Counts counts() throws SQLException {
        return store.counts();
    }

    /** {@code GET /admin/outbox/rows?status=pending|dead&eventType=&aggregateId=&afterId=&limit=} */
    @GET
    @Path("/rows")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Pending or dead rows in id order, keyset-paginated "
            + "(afterId = the previous page's nextAfterId)")
    @APIResponse(responseCode = "200", description = "One page of rows",
            content = @Content(schema = @Schema(implementation = RowPage.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Response list(@QueryParam("status") String status, @QueryParam("eventType") String eventType,
                         @QueryParam("aggregateId") String aggregateId, @QueryParam("afterId") String afterId,
                         @QueryParam("limit") String limit) throws SQLException {
        List<Problem.FieldError> errors = new ArrayList<>();
        String effectiveStatus = status == null || status.isBlank() ? "pending" : status.trim().toLowerCase();
        if (!LISTABLE.contains(effectiveStatus)) {
            errors.add(new Problem.FieldError("status", "must be 'pending' or 'dead'"));
        }
        long after = parseLong(afterId, 0, "afterId", 0, Long.MAX_VALUE, errors);
        long size = parseLong(limit, 50, "limit", 1, MAX_LIMIT, errors);
        if (!errors.isEmpty()) {
            return AdminProblems.response(Response.Status.BAD_REQUEST, "VALIDATION_FAILED", "invalid query parameters", errors);
        }
        List<OutboxAdminStore.RowView> rows = store.list(effectiveStatus, blankToNull(eventType),
                blankToNull(aggregateId), after, (int) size);
        Long next = rows.size() == size ? rows.get(rows.size() - 1).id() : null;
        return Response.ok(new RowPage(rows, next)).build();
    }

    @POST
    @Path("/rows/{id}/requeue")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Requeue one dead row: pending again, attempts reset, relayed at once")
    @APIResponse(responseCode = "200", description = "Requeued",
            content = @Content(schema = @Schema(implementation = RequeueResponse.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", description = "OUTBOX_ROW_NOT_FOUND", content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "409", description = "OUTBOX_ROW_NOT_DEAD: only dead rows can be requeued",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response requeue(@PathParam("id") String id) throws SQLException {
        List<Problem.FieldError> errors = new ArrayList<>();
        long rowId = parseLong(id, -1, "id", 1, Long.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            return AdminProblems.response(Response.Status.BAD_REQUEST, "VALIDATION_FAILED", "invalid row id", errors);
        }
        return switch (store.requeue(rowId)) {
            case REQUEUED -> {
                relay.engine().wakeUp();
                yield Response.ok(new RequeueResponse(1)).build();
            }
            case NOT_FOUND -> AdminProblems.response(Response.Status.NOT_FOUND, "OUTBOX_ROW_NOT_FOUND",
                    "no outbox row " + rowId);
            case NOT_DEAD -> AdminProblems.response(Response.Status.CONFLICT, "OUTBOX_ROW_NOT_DEAD",
                    "outbox row " + rowId + " is not dead; only dead rows can be requeued");
        };
    }

    /** {@code POST /admin/outbox/dead/requeue?eventType=X}: every dead row of one event type. */
    @POST
    @Path("/dead/requeue")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Requeue every dead row of one event type")
    @APIResponse(responseCode = "200", description = "How many rows were requeued (0 when none was dead)",
            content = @Content(schema = @Schema(implementation = RequeueResponse.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public Response requeueDeadOfType(@QueryParam("eventType") String eventType) throws SQLException {
        if (eventType == null || eventType.isBlank()) {
            return AdminProblems.response(Response.Status.BAD_REQUEST, "VALIDATION_FAILED", "eventType is required",
                    List.of(new Problem.FieldError("eventType", "must not be blank")));
        }
        int count = store.requeueDeadOfType(eventType.trim());
        relay.engine().wakeUp();
        return Response.ok(new RequeueResponse(count)).build();
    }

    private static long parseLong(String text, long fallback, String field, long min, long max,
                                  List<Problem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            if (fallback < min) {
                errors.add(new Problem.FieldError(field, "is required"));
            }
            return fallback;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value < min || value > max) {
                errors.add(new Problem.FieldError(field, "must be between " + min + " and " + max));
            }
            return value;
        } catch (NumberFormatException e) {
            errors.add(new Problem.FieldError(field, "must be an integer"));
            return fallback;
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
