package com.waitingroom.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.waitingroom.api.api.CommandService.Decision;
import com.waitingroom.api.api.CommandService.Prepared;
import com.waitingroom.api.domain.CheckIn;
import com.waitingroom.api.domain.InputRules;
import com.waitingroom.api.domain.NotFoundException;
import com.waitingroom.api.domain.Patient;
import com.waitingroom.api.domain.WaitingQueue;
import com.waitingroom.api.store.EventStore;
import com.waitingroom.kernel.DomainEvent;
import com.waitingroom.kernel.events.PatientCalledAtCashier;
import com.waitingroom.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.function.BiFunction;

/**
 * Commands and read-your-writes queries of waiting queues. Every command is one event-store append.
 * Each operation lists the roles allowed to call it ({@code @RolesAllowed}; unlisted operations are
 * denied): the role whose work it is first, {@link Roles#ADMIN} last. The first listed role the caller
 * holds is the role its events record ({@link Caller}), so keep that order.
 */
@Path("/api/waiting-rooms")
@Produces(MediaType.APPLICATION_JSON)
// Commands read JSON bodies; another declared media type is a 415 (a body without Content-Type is read as JSON).
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "waiting-rooms", description = "Commands on waiting queues and read-your-writes views of them")
public class WaitingRoomResource {

    private static final String BASE = "/api/waiting-rooms/";
    private static final int DEFAULT_EVENT_PAGE = 1000;
    private static final int MAX_EVENT_PAGE = 10_000;

    private final CommandService commands;
    private final EventStore store;

    public WaitingRoomResource(CommandService commands, EventStore store) {
        this.commands = commands;
        this.store = store;
    }

    // ------------------------------------------------------------------ queue

    @POST
    @RolesAllowed({Roles.RECEPTIONIST, Roles.ADMIN})
    @Operation(summary = "Create a waiting queue explicitly (queueId, name, maxCapacity; default capacity 100)")
    @APIResponse(responseCode = "201", description = "Queue created; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> createQueue(
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.CreateQueue.class),
                    examples = @ExampleObject(name = "createQueue",
                            value = RequestExamples.CREATE_QUEUE))) byte[] body,
            @BeanParam CommandHeaders headers) {
        return commands.execute("CreateQueue", headers, () -> {
            JsonNode tree = RequestBodies.tree(body);
            var request = RequestBodies.bind(tree, Requests.CreateQueue.class, null);
            InputRules rules = new InputRules();
            String queueId = rules.resourceId("queueId", request.queueId());
            String name = request.name() == null || request.name().isBlank() ? queueId
                    : rules.requiredText("name", request.name(), 1, InputRules.NAME_MAX);
            int capacity = rules.capacity("maxCapacity", request.maxCapacity());
            rules.throwIfInvalid();
            return new Prepared(queueId, "POST " + BASE + "\n" + tree, queue -> {
                List<DomainEvent> events = queue.create(name, capacity);
                return Decision.created(events, CommandResponse.forQueue(queue, events), BASE + queueId);
            });
        });
    }

    @GET
    @Path("{queueId}")
    @RolesAllowed({Roles.VIEWER, Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "Current state of a queue, from the event store (ETag = version)")
    @APIResponse(responseCode = "200", description = "The queue; ETag = its version",
            headers = @Header(name = "ETag", description = "The queue's version, e.g. \"7\" (If-Match of commands)",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Views.QueueView.class)))
    public Uni<Response> queue(@PathParam("queueId") String rawQueueId) {
        return Uni.createFrom().deferred(() -> {
            String queueId = validQueueId(rawQueueId);
            return store.load(queueId).map(queue -> {
                requireExists(queue);
                return Response.ok(Json.write(Views.QueueView.of(queue))).tag(Long.toString(queue.version())).build();
            });
        });
    }

    @GET
    @Path("{queueId}/events")
    // Patient data (names, notes, outcomes): staff only; a screen's viewer token reads the lines.
    @RolesAllowed({Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "The queue's event stream from version fromVersion (default 1), at most limit events")
    @APIResponse(responseCode = "200", description = "Event envelopes in version order (kernel EventEnvelope JSON)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = Object.class)))
    public Uni<Response> events(@PathParam("queueId") String rawQueueId,
                                @QueryParam("fromVersion") String rawFromVersion,
                                @QueryParam("limit") String rawLimit) {
        return Uni.createFrom().deferred(() -> {
            String queueId = validQueueId(rawQueueId);
            long fromVersion = parseLong("fromVersion", rawFromVersion, 1, 1, Long.MAX_VALUE);
            int limit = (int) parseLong("limit", rawLimit, DEFAULT_EVENT_PAGE, 1, MAX_EVENT_PAGE);
            return store.readStream(queueId, fromVersion, limit).chain(events -> {
                Uni<Boolean> exists = events.isEmpty() ? store.exists(queueId) : Uni.createFrom().item(true);
                return exists.map(found -> {
                    if (!found) {
                        throw NotFoundException.queue(queueId);
                    }
                    return Response.ok(Json.write(events)).build();
                });
            });
        });
    }

    // ------------------------------------------------------------------ check-in and patients

    @POST
    @Path("{queueId}/check-ins")
    @RolesAllowed({Roles.RECEPTIONIST, Roles.ADMIN})
    @Operation(summary = "Check a patient in (creates the queue on its first check-in)")
    @APIResponse(responseCode = "201", description = "Patient checked in; Location names the visit",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> checkIn(@PathParam("queueId") String rawQueueId,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.CheckIn.class),
                    examples = @ExampleObject(name = "checkIn",
                            value = RequestExamples.CHECK_IN))) byte[] body,
                                 @BeanParam CommandHeaders headers) {
        return commands.execute("CheckIn", headers, () -> {
            String queueId = validQueueId(rawQueueId);
            JsonNode tree = RequestBodies.tree(body);
            var request = RequestBodies.bind(tree, Requests.CheckIn.class, null);
            CheckIn command = CheckIn.of(request.patientId(), request.patientName(), request.priority(),
                    request.consultationType(), request.notes(), request.age(), request.pregnant());
            return new Prepared(queueId, "POST " + BASE + queueId + "/check-ins\n" + tree, queue -> {
                List<DomainEvent> events = queue.checkIn(command);
                Patient patient = queue.patient(command.patientId()).orElseThrow();
                return Decision.created(events, CommandResponse.forPatient(queue, events, patient),
                        BASE + queueId + "/patients/" + patient.patientId());
            });
        });
    }

    @GET
    @Path("{queueId}/patients/{patientId}")
    @RolesAllowed({Roles.RECEPTIONIST, Roles.CASHIER, Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "Current state of a patient's visit, from the event store")
    @APIResponse(responseCode = "200", description = "The patient's visit; ETag = the queue's version",
            headers = @Header(name = "ETag", description = "The queue's version, e.g. \"7\" (If-Match of commands)",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Views.PatientView.class)))
    public Uni<Response> patient(@PathParam("queueId") String rawQueueId, @PathParam("patientId") String rawPatientId) {
        return Uni.createFrom().deferred(() -> {
            InputRules rules = new InputRules();
            String queueId = rules.resourceId("queueId", rawQueueId);
            String patientId = rules.patientId("patientId", rawPatientId);
            rules.throwIfInvalid();
            return store.load(queueId).map(queue -> {
                requireExists(queue);
                Patient patient = queue.patient(patientId)
                        .orElseThrow(() -> NotFoundException.patient(queueId, patientId));
                return Response.ok(Json.write(Views.PatientView.of(queueId, patient)))
                        .tag(Long.toString(queue.version())).build();
            });
        });
    }

    // ------------------------------------------------------------------ cashier

    @POST
    @Path("{queueId}/cashier/next")
    @RolesAllowed({Roles.CASHIER, Roles.ADMIN})
    @Operation(summary = "Cashier desk deskId (default \"main\") calls the next patient of the cashier line "
            + "(priority, then line sequence); desks work in parallel, one patient each")
    @APIResponse(responseCode = "200", description = "The patient called to the desk",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> callNextAtCashier(@PathParam("queueId") String rawQueueId,
            @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.CallNextAtCashier.class),
                    examples = @ExampleObject(name = "callNextAtCashier",
                            value = RequestExamples.CALL_NEXT_AT_CASHIER))) byte[] body,
                                           @BeanParam CommandHeaders headers) {
        return commands.execute("CallNextAtCashier", headers, () -> {
            String queueId = validQueueId(rawQueueId);
            JsonNode tree = RequestBodies.tree(body);
            var request = RequestBodies.bind(tree, Requests.CallNextAtCashier.class, Requests.CallNextAtCashier.EMPTY);
            InputRules rules = new InputRules();
            String requestedDesk = rules.optionalResourceId("deskId", request.deskId());
            rules.throwIfInvalid();
            String deskId = requestedDesk != null ? requestedDesk : PatientCalledAtCashier.DEFAULT_DESK;
            return new Prepared(queueId, "POST " + BASE + queueId + "/cashier/next\n" + tree, queue -> {
                List<DomainEvent> events = queue.callNextAtCashier(deskId);
                Patient called = queue.patient(queue.deskOccupant(deskId).orElseThrow()).orElseThrow();
                return Decision.ok(events, CommandResponse.forPatient(queue, events, called));
            });
        });
    }

    @POST
    @Path("{queueId}/patients/{patientId}/payment")
    @RolesAllowed({Roles.CASHIER, Roles.ADMIN})
    @Operation(summary = "Validate the payment of the patient at a desk or with a pending payment (frees the desk); "
            + "the patient joins the consultation line")
    @APIResponse(responseCode = "200", description = "Payment validated",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> validatePayment(@PathParam("queueId") String queueId, @PathParam("patientId") String patientId,
                                         @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.ValidatePayment.class),
                    examples = @ExampleObject(name = "validatePayment",
                            value = RequestExamples.VALIDATE_PAYMENT))) byte[] body, @BeanParam CommandHeaders headers) {
        return patientCommand("ValidatePayment", queueId, patientId, "payment", body, headers,
                Requests.ValidatePayment.class, Requests.ValidatePayment.EMPTY, (request, rules) -> {
                    String reference = rules.optionalText("paymentReference", request.paymentReference(),
                            InputRules.SHORT_TEXT_MAX);
                    return (queue, id) -> queue.validatePayment(id, reference);
                });
    }

    @POST
    @Path("{queueId}/patients/{patientId}/payment/pending")
    @RolesAllowed({Roles.CASHIER, Roles.ADMIN})
    @Operation(summary = "Mark the payment as pending (at most 3 attempts); frees the desk at once")
    @APIResponse(responseCode = "200", description = "Payment marked pending",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> markPaymentPending(@PathParam("queueId") String queueId,
                                            @PathParam("patientId") String patientId,
                                            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.MarkPaymentPending.class),
                    examples = @ExampleObject(name = "markPaymentPending",
                            value = RequestExamples.MARK_PAYMENT_PENDING))) byte[] body, @BeanParam CommandHeaders headers) {
        return patientCommand("MarkPaymentPending", queueId, patientId, "payment/pending", body, headers,
                Requests.MarkPaymentPending.class, null, (request, rules) -> {
                    String reason = rules.requiredText("reason", request.reason(), 1, InputRules.FREE_TEXT_MAX);
                    return (queue, id) -> queue.markPaymentPending(id, reason);
                });
    }

    @POST
    @Path("{queueId}/patients/{patientId}/payment/cancellation")
    @RolesAllowed({Roles.CASHIER, Roles.ADMIN})
    @Operation(summary = "Cancel the visit for payment (only after 3 pending attempts)")
    @APIResponse(responseCode = "200", description = "Visit cancelled",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> cancelByPayment(@PathParam("queueId") String queueId, @PathParam("patientId") String patientId,
                                         @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.CancelByPayment.class),
                    examples = @ExampleObject(name = "cancelByPayment",
                            value = RequestExamples.CANCEL_BY_PAYMENT))) byte[] body, @BeanParam CommandHeaders headers) {
        return patientCommand("CancelByPayment", queueId, patientId, "payment/cancellation", body, headers,
                Requests.CancelByPayment.class, Requests.CancelByPayment.EMPTY, (request, rules) -> {
                    String reason = rules.optionalText("reason", request.reason(), InputRules.FREE_TEXT_MAX);
                    return (queue, id) -> queue.cancelByPayment(id, reason);
                });
    }

    @POST
    @Path("{queueId}/patients/{patientId}/cashier-absence")
    @RolesAllowed({Roles.CASHIER, Roles.ADMIN})
    @Operation(summary = "The called patient is absent at the cashier: requeued twice, cancelled the third time")
    @APIResponse(responseCode = "200", description = "Absence recorded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> markAbsentAtCashier(@PathParam("queueId") String queueId,
                                             @PathParam("patientId") String patientId,
                                             @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.NoFields.class),
                    examples = @ExampleObject(name = "markAbsentAtCashier",
                            value = RequestExamples.NO_FIELDS))) byte[] body, @BeanParam CommandHeaders headers) {
        return patientCommand("MarkAbsentAtCashier", queueId, patientId, "cashier-absence", body, headers,
                JsonNode.class, Json.MAPPER.createObjectNode(), (request, rules) -> WaitingQueue::markAbsentAtCashier);
    }

    @POST
    @Path("{queueId}/patients/{patientId}/leave")
    @RolesAllowed({Roles.RECEPTIONIST, Roles.ADMIN})
    @Operation(summary = "The patient leaves before being attended (any waiting state, not in consultation); "
            + "frees the desk or room")
    @APIResponse(responseCode = "200", description = "The patient left",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> leave(@PathParam("queueId") String queueId, @PathParam("patientId") String patientId,
                               @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.Leave.class),
                    examples = @ExampleObject(name = "leave",
                            value = RequestExamples.LEAVE))) byte[] body, @BeanParam CommandHeaders headers) {
        return patientCommand("Leave", queueId, patientId, "leave", body, headers,
                Requests.Leave.class, Requests.Leave.EMPTY, (request, rules) -> {
                    String reason = rules.optionalText("reason", request.reason(), InputRules.FREE_TEXT_MAX);
                    return (queue, id) -> queue.leave(id, reason);
                });
    }

    // ------------------------------------------------------------------ consulting rooms

    @PUT
    @Path("{queueId}/rooms/{roomId}/activation")
    @RolesAllowed({Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "Activate a consulting room")
    @APIResponse(responseCode = "200", description = "Room active",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> activateRoom(@PathParam("queueId") String queueId, @PathParam("roomId") String roomId,
                                      @BeanParam CommandHeaders headers) {
        return roomCommand("ActivateConsultingRoom", "PUT", queueId, roomId, headers, WaitingQueue::activateRoom);
    }

    @DELETE
    @Path("{queueId}/rooms/{roomId}/activation")
    @RolesAllowed({Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "Deactivate a free consulting room")
    @APIResponse(responseCode = "200", description = "Room inactive",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> deactivateRoom(@PathParam("queueId") String queueId, @PathParam("roomId") String roomId,
                                        @BeanParam CommandHeaders headers) {
        return roomCommand("DeactivateConsultingRoom", "DELETE", queueId, roomId, headers, WaitingQueue::deactivateRoom);
    }

    @POST
    @Path("{queueId}/attention/next")
    @RolesAllowed({Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "A free active room claims the next patient of the consultation line "
            + "(priority, then line sequence)")
    @APIResponse(responseCode = "200", description = "The patient claimed by the room",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> claimNextPatient(@PathParam("queueId") String rawQueueId,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.ClaimNextPatient.class),
                    examples = @ExampleObject(name = "claimNextPatient",
                            value = RequestExamples.CLAIM_NEXT_PATIENT))) byte[] body,
                                          @BeanParam CommandHeaders headers) {
        return commands.execute("ClaimNextPatient", headers, () -> {
            String queueId = validQueueId(rawQueueId);
            JsonNode tree = RequestBodies.tree(body);
            var request = RequestBodies.bind(tree, Requests.ClaimNextPatient.class, null);
            InputRules rules = new InputRules();
            String roomId = rules.resourceId("roomId", request.roomId());
            rules.throwIfInvalid();
            return new Prepared(queueId, "POST " + BASE + queueId + "/attention/next\n" + tree, queue -> {
                List<DomainEvent> events = queue.claimNextPatient(roomId);
                Patient claimed = queue.patient(queue.activeRooms().get(roomId)).orElseThrow();
                return Decision.ok(events, CommandResponse.forPatient(queue, events, claimed));
            });
        });
    }

    @POST
    @Path("{queueId}/patients/{patientId}/call")
    @RolesAllowed({Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "Call the claimed patient to the consulting room")
    @APIResponse(responseCode = "200", description = "Patient called",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> callPatient(@PathParam("queueId") String queueId, @PathParam("patientId") String patientId,
                                     @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.NoFields.class),
                    examples = @ExampleObject(name = "callPatient",
                            value = RequestExamples.NO_FIELDS))) byte[] body, @BeanParam CommandHeaders headers) {
        return patientCommand("CallPatient", queueId, patientId, "call", body, headers,
                JsonNode.class, Json.MAPPER.createObjectNode(), (request, rules) -> WaitingQueue::callPatient);
    }

    @POST
    @Path("{queueId}/patients/{patientId}/consultation")
    @RolesAllowed({Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "The called patient arrived: the consultation starts")
    @APIResponse(responseCode = "200", description = "Consultation started",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> startConsultation(@PathParam("queueId") String queueId,
                                           @PathParam("patientId") String patientId,
                                           @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.NoFields.class),
                    examples = @ExampleObject(name = "startConsultation",
                            value = RequestExamples.NO_FIELDS))) byte[] body, @BeanParam CommandHeaders headers) {
        return patientCommand("StartConsultation", queueId, patientId, "consultation", body, headers,
                JsonNode.class, Json.MAPPER.createObjectNode(), (request, rules) -> WaitingQueue::startConsultation);
    }

    @POST
    @Path("{queueId}/patients/{patientId}/completion")
    @RolesAllowed({Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "Complete the consultation (outcome and notes optional); frees the room")
    @APIResponse(responseCode = "200", description = "Consultation completed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> completeAttention(@PathParam("queueId") String queueId,
                                           @PathParam("patientId") String patientId,
                                           @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.CompleteAttention.class),
                    examples = @ExampleObject(name = "completeAttention",
                            value = RequestExamples.COMPLETE_ATTENTION))) byte[] body, @BeanParam CommandHeaders headers) {
        return patientCommand("CompleteAttention", queueId, patientId, "completion", body, headers,
                Requests.CompleteAttention.class, Requests.CompleteAttention.EMPTY, (request, rules) -> {
                    String outcome = rules.optionalText("outcome", request.outcome(), InputRules.SHORT_TEXT_MAX);
                    String notes = rules.optionalText("notes", request.notes(), InputRules.FREE_TEXT_MAX);
                    return (queue, id) -> queue.completeAttention(id, outcome, notes);
                });
    }

    @POST
    @Path("{queueId}/patients/{patientId}/consultation-absence")
    @RolesAllowed({Roles.DOCTOR, Roles.ADMIN})
    @Operation(summary = "The called patient is absent at the room: requeued once, cancelled the second time")
    @APIResponse(responseCode = "200", description = "Absence recorded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CommandResponse.class)))
    public Uni<Response> markAbsentAtConsultation(@PathParam("queueId") String queueId,
                                                  @PathParam("patientId") String patientId,
                                                  @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Requests.NoFields.class),
                    examples = @ExampleObject(name = "markAbsentAtConsultation",
                            value = RequestExamples.NO_FIELDS))) byte[] body, @BeanParam CommandHeaders headers) {
        return patientCommand("MarkAbsentAtConsultation", queueId, patientId, "consultation-absence", body, headers,
                JsonNode.class, Json.MAPPER.createObjectNode(),
                (request, rules) -> WaitingQueue::markAbsentAtConsultation);
    }

    // ------------------------------------------------------------------ helpers

    /** Turns a validated request into the aggregate call for one patient. */
    private interface PatientDecision<R> {
        BiFunction<WaitingQueue, String, List<DomainEvent>> bind(R request, InputRules rules);
    }

    private <R> Uni<Response> patientCommand(String name, String rawQueueId, String rawPatientId, String subPath,
                                             byte[] body, CommandHeaders headers, Class<R> bodyType, R emptyBody,
                                             PatientDecision<R> decision) {
        return commands.execute(name, headers, () -> {
            InputRules rules = new InputRules();
            String queueId = rules.resourceId("queueId", rawQueueId);
            String patientId = rules.patientId("patientId", rawPatientId);
            rules.throwIfInvalid();
            JsonNode tree = RequestBodies.tree(body);
            R request = RequestBodies.bind(tree, bodyType, emptyBody);
            BiFunction<WaitingQueue, String, List<DomainEvent>> call = decision.bind(request, rules);
            rules.throwIfInvalid();
            String fingerprint = "POST " + BASE + queueId + "/patients/" + patientId + "/" + subPath + "\n" + tree;
            return new Prepared(queueId, fingerprint, queue -> {
                List<DomainEvent> events = call.apply(queue, patientId);
                Patient patient = queue.patient(patientId).orElseThrow();
                return Decision.ok(events, CommandResponse.forPatient(queue, events, patient));
            });
        });
    }

    private Uni<Response> roomCommand(String name, String method, String rawQueueId, String rawRoomId,
                                      CommandHeaders headers, BiFunction<WaitingQueue, String, List<DomainEvent>> call) {
        return commands.execute(name, headers, () -> {
            InputRules rules = new InputRules();
            String queueId = rules.resourceId("queueId", rawQueueId);
            String roomId = rules.resourceId("roomId", rawRoomId);
            rules.throwIfInvalid();
            String fingerprint = method + " " + BASE + queueId + "/rooms/" + roomId + "/activation";
            return new Prepared(queueId, fingerprint, queue -> {
                List<DomainEvent> events = call.apply(queue, roomId);
                return Decision.ok(events, CommandResponse.forRoom(queue, events, roomId));
            });
        });
    }

    private static String validQueueId(String raw) {
        InputRules rules = new InputRules();
        String queueId = rules.resourceId("queueId", raw);
        rules.throwIfInvalid();
        return queueId;
    }

    private static void requireExists(WaitingQueue queue) {
        if (!queue.exists()) {
            throw NotFoundException.queue(queue.queueId());
        }
    }

    private static long parseLong(String field, String raw, long fallback, long min, long max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new com.waitingroom.api.domain.InvalidCommandException(field,
                "must be an integer between " + min + " and " + max);
    }
}
