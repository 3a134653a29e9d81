package com.waitingroom.projection.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Response bodies of the query API (the query contract other services code against). */
public final class Views {

    private Views() {
    }

    @RegisterForReflection
    public record WaitingPatient(String patientId, String patientName, String priority, String state,
                                 String consultationType, Instant checkedInAt, long waitSeconds) {
    }

    @RegisterForReflection
    public record QueueState(String queueId, long version, List<WaitingPatient> patients) {
    }

    @RegisterForReflection
    public record QueueMonitor(String queueId, String name, Integer maxCapacity, long version,
                               Map<String, Long> waitingByPriority, long waitingTotal, long atCashier,
                               long waitingForConsultation, long withRoom, long inConsultation, long completed,
                               long cancelled, long activeRooms, Double averageWaitSeconds, Long maxWaitSeconds,
                               Instant lastCheckInAt, Double utilization) {
    }

    @RegisterForReflection
    public record StationCall(String stationId, boolean active, String state, String patientId, String patientName,
                              Instant calledAt) {
    }

    @RegisterForReflection
    public record NextTurn(String queueId, long version, List<StationCall> rooms, List<StationCall> cashierDesks,
                           WaitingPatient nextForCashier, WaitingPatient nextForConsultation) {
    }

    @RegisterForReflection
    public record FinishedAttention(String patientId, String patientName, String priority, String state,
                                    String outcome, String roomId, String notes, Instant checkedInAt,
                                    Instant finishedAt) {
    }

    @RegisterForReflection
    public record History(String queueId, long version, List<FinishedAttention> attentions) {
    }

    @RegisterForReflection
    public record Step(long version, String eventType, Instant occurredAt, String state, String roomId,
                       String deskId, String detail) {
    }

    @RegisterForReflection
    public record Trajectory(String queueId, String patientId, String patientName, String priority, String state,
                             long version, List<Step> steps) {
    }
}
