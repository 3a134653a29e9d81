package com.waitingroom.projection.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Response bodies of the query API (the query contract other services code against). Lines are
 * listed in the order the aggregate serves them (kernel LineOrder), never re-sorted here.
 */
public final class Views {

    private Views() {
    }

    /**
     * A patient in a line; {@code position} is 1-based within that line; {@code ticketNumber} is what
     * public screens show (null for check-ins recorded before ticket numbers). {@code estimatedWaitSeconds}:
     * predicted seconds from the response until the next station of the patient's line calls them (a desk
     * for the cashier line, a room's claim for the consultation line); null when no estimate applies (a
     * pending payment is in no line; a line without an open desk or active room).
     */
    @RegisterForReflection
    public record WaitingPatient(int position, String patientId, String ticketNumber, String patientName,
                                 String priority, String state, String consultationType, Instant checkedInAt,
                                 long waitSeconds,
                                 @Schema(description = "Predicted seconds from now until the next desk (cashier line)"
                                         + " or room (consultation line) calls this patient, from the queue's recently"
                                         + " measured stage durations and its open stations; null when none applies"
                                         + " (pending payment, or no open station for the line)")
                                 Long estimatedWaitSeconds) {
    }

    /**
     * The waiting room: the cashier line (WaitingForCashier), the consultation line
     * (WaitingForConsultation) and the patients whose payment is pending (not callable by the cashier).
     */
    @RegisterForReflection
    public record QueueState(String queueId, long version, List<WaitingPatient> cashierLine,
                             List<WaitingPatient> consultationLine, List<WaitingPatient> paymentPending) {
    }

    /**
     * Counts per state (they add up to every patient row: waitingForCashier + atCashier +
     * paymentPending + waitingForConsultation + withRoom + inConsultation + completed + cancelled + left),
     * waiting = WaitingForCashier + PaymentPending + WaitingForConsultation, and who each line serves next.
     */
    @RegisterForReflection
    public record QueueMonitor(String queueId, String name, Integer maxCapacity, long version,
                               Map<String, Long> waitingByPriority, long waitingTotal, long waitingForCashier,
                               long atCashier, long paymentPending, long waitingForConsultation, long withRoom,
                               long inConsultation, long completed, long cancelled, long left, long activeRooms,
                               Double averageWaitSeconds, Long maxWaitSeconds, Instant lastCheckInAt,
                               Double utilization, String nextForCashier, String nextForConsultation) {
    }

    @RegisterForReflection
    public record StationCall(String stationId, boolean active, String state, String patientId, String ticketNumber,
                              String patientName, Instant calledAt) {
    }

    /** Per room and per cashier desk, the current call; and the first patient of each line. */
    @RegisterForReflection
    public record NextTurn(String queueId, long version, List<StationCall> rooms, List<StationCall> cashierDesks,
                           WaitingPatient nextForCashier, WaitingPatient nextForConsultation) {
    }

    /**
     * A finished visit; {@code actor}/{@code actorRole} are who finished it (the token subject and role
     * of the visit's last event), null for events recorded before access control or without an actor.
     */
    @RegisterForReflection
    public record FinishedAttention(String patientId, String patientName, String priority, String state,
                                    String outcome, String roomId, String notes, Instant checkedInAt,
                                    Instant finishedAt, String actor, String actorRole) {
    }

    @RegisterForReflection
    public record History(String queueId, long version, List<FinishedAttention> attentions) {
    }

    /**
     * One step of a trajectory; {@code actor} is who caused it (the subject of the bearer token the
     * command came with) and {@code actorRole} the role under which it was allowed; null for events
     * recorded before access control (actorRole) or without an actor.
     */
    @RegisterForReflection
    public record Step(long version, String eventType, Instant occurredAt, String state, String roomId,
                       String deskId, String detail, String actor, String actorRole) {
    }

    /** The steps of one visit of a patient, in event order. */
    @RegisterForReflection
    public record Visit(int visit, List<Step> steps) {
    }

    /** Every visit of a patient (earlier ones included); name, priority, state and visit are the current visit's. */
    @RegisterForReflection
    public record Trajectory(String queueId, String patientId, String patientName, String priority, String state,
                             int visit, long version, List<Visit> visits) {
    }

    /**
     * What a public waiting-room screen shows: ticket numbers only, never names or patient ids.
     * {@code nowCalling}: the desks and rooms that have called (or claimed) a patient, latest call first;
     * the lines in the order the aggregate serves them.
     */
    @RegisterForReflection
    public record Display(String queueId, String name, long version, Instant generatedAt,
                          List<DisplayCall> nowCalling, List<DisplayTicket> cashierLine,
                          List<DisplayTicket> consultationLine, int paymentPending) {
    }

    /** A ticket called to a station: {@code stationType} is {@code cashierDesk} or {@code room}. */
    @RegisterForReflection
    public record DisplayCall(String ticketNumber, String stationType, String stationId, String state,
                              Instant calledAt) {
    }

    /** A waiting ticket; {@code estimatedWaitSeconds} until a station of its line calls it (null: no estimate). */
    @RegisterForReflection
    public record DisplayTicket(int position, String ticketNumber, Long estimatedWaitSeconds) {
    }
}
