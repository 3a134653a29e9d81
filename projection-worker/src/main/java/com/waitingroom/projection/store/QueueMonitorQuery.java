package com.waitingroom.projection.store;

import com.waitingroom.kernel.Priority;
import com.waitingroom.projection.api.Views;
import com.waitingroom.projection.domain.PatientState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static com.waitingroom.projection.store.ReadModelWriter.LIVE_SCHEMA;
import static com.waitingroom.projection.store.ReadModelWriter.instant;

/**
 * The monitor view. Every count comes from one grouping of the patient rows by state and priority,
 * so the counts add up to the rows and agree with the states (a Left patient is finished, a
 * PaymentPending one is waiting but not in the cashier line).
 */
final class QueueMonitorQuery {

    private QueueMonitorQuery() {
    }

    static Optional<Views.QueueMonitor> read(Connection c, String queueId, Instant now,
                                             Views.WaitingPatient nextForCashier,
                                             Views.WaitingPatient nextForConsultation) throws SQLException {
        String name;
        Integer capacity;
        Instant lastCheckIn;
        long version;
        try (PreparedStatement s = c.prepareStatement("SELECT name, max_capacity, last_check_in_at, version FROM "
                + LIVE_SCHEMA + ".queues WHERE queue_id = ?")) {
            s.setString(1, queueId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                name = rs.getString(1);
                capacity = (Integer) rs.getObject(2);
                lastCheckIn = instant(rs, 3);
                version = rs.getLong(4);
            }
        }
        Map<String, Long> waitingByPriority = new LinkedHashMap<>();
        for (int level = Priority.values().length - 1; level >= 0; level--) {
            waitingByPriority.put(Priority.values()[level].displayName(), 0L);
        }
        Map<PatientState, Long> byState = new EnumMap<>(PatientState.class);
        long patients = 0;
        double waitSum = 0;
        long maxWait = -1;
        // Wait = check-in until the consultation started (or the visit ended, or now if still open).
        try (PreparedStatement s = c.prepareStatement("SELECT state, priority, count(*),"
                + " sum(extract(epoch FROM COALESCE(consultation_started_at, finished_at, ?) - checked_in_at)),"
                + " max(extract(epoch FROM COALESCE(consultation_started_at, finished_at, ?) - checked_in_at))"
                + " FROM " + LIVE_SCHEMA + ".patients WHERE queue_id = ? GROUP BY state, priority")) {
            OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            s.setObject(1, at);
            s.setObject(2, at);
            s.setString(3, queueId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    PatientState state = PatientState.valueOf(rs.getString(1));
                    long count = rs.getLong(3);
                    byState.merge(state, count, Long::sum);
                    if (state.isWaiting()) {
                        waitingByPriority.merge(rs.getString(2), count, Long::sum);
                    }
                    patients += count;
                    waitSum += rs.getDouble(4);
                    maxWait = Math.max(maxWait, Math.max(0, (long) rs.getDouble(5)));
                }
            }
        }
        long activeRooms;
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + LIVE_SCHEMA
                + ".rooms WHERE queue_id = ? AND active")) {
            s.setString(1, queueId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                activeRooms = rs.getLong(1);
            }
        }
        long waiting = 0;
        long finished = 0;
        for (Map.Entry<PatientState, Long> entry : byState.entrySet()) {
            waiting += entry.getKey().isWaiting() ? entry.getValue() : 0;
            finished += entry.getKey().isFinished() ? entry.getValue() : 0;
        }
        long open = patients - finished;
        Double utilization = capacity == null || capacity <= 0 ? null : Math.round(open * 1000.0 / capacity) / 1000.0;
        Double averageWait = patients == 0 ? null : Math.round(Math.max(0, waitSum / patients) * 10.0) / 10.0;
        return Optional.of(new Views.QueueMonitor(queueId, name, capacity, version, waitingByPriority, waiting,
                count(byState, PatientState.WaitingForCashier), count(byState, PatientState.AtCashier),
                count(byState, PatientState.PaymentPending), count(byState, PatientState.WaitingForConsultation),
                count(byState, PatientState.Claimed) + count(byState, PatientState.Called),
                count(byState, PatientState.InConsultation), count(byState, PatientState.Completed),
                count(byState, PatientState.Cancelled), count(byState, PatientState.Left), activeRooms,
                averageWait, patients == 0 ? null : maxWait, lastCheckIn, utilization,
                nextForCashier == null ? null : nextForCashier.patientId(),
                nextForConsultation == null ? null : nextForConsultation.patientId()));
    }

    private static long count(Map<PatientState, Long> byState, PatientState state) {
        return byState.getOrDefault(state, 0L);
    }
}
