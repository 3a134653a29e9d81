package com.waitingroom.projection.store;

import com.waitingroom.kernel.Priority;
import com.waitingroom.projection.api.Views;
import com.waitingroom.projection.domain.PatientState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.waitingroom.projection.store.ReadModelWriter.LIVE_SCHEMA;
import static com.waitingroom.projection.store.ReadModelWriter.instant;

/** Reads of the live read models for the query API. */
@ApplicationScoped
public class ReadModelQueries {

    private static final String WAITING_STATES = "('WaitingForCashier', 'PaymentPending', 'WaitingForConsultation')";
    private static final String PATIENT_COLUMNS = "patient_id, patient_name, priority, state, consultation_type, checked_in_at";
    private static final String WAITING_ORDER = " ORDER BY priority_level DESC, checked_in_at, check_in_version";

    @Inject
    DataSource dataSource;

    /** The queue's applied version (the ETag source), empty for an unknown queue. */
    public Optional<Long> queueVersion(String queueId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT version FROM " + LIVE_SCHEMA + ".queues WHERE queue_id = ?")) {
            s.setString(1, queueId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    public List<Views.WaitingPatient> waitingPatients(String queueId, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + PATIENT_COLUMNS + " FROM " + LIVE_SCHEMA
                     + ".patients WHERE queue_id = ? AND state IN " + WAITING_STATES + WAITING_ORDER)) {
            s.setString(1, queueId);
            return readWaiting(s, now);
        }
    }

    public Views.QueueMonitor monitor(String queueId, long version, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String name = null;
            Integer capacity = null;
            Instant lastCheckIn = null;
            try (PreparedStatement s = c.prepareStatement("SELECT name, max_capacity, last_check_in_at FROM "
                    + LIVE_SCHEMA + ".queues WHERE queue_id = ?")) {
                s.setString(1, queueId);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        name = rs.getString(1);
                        capacity = (Integer) rs.getObject(2);
                        lastCheckIn = instant(rs, 3);
                    }
                }
            }
            Map<String, Long> byPriority = new LinkedHashMap<>();
            for (int level = Priority.values().length - 1; level >= 0; level--) {
                byPriority.put(Priority.values()[level].displayName(), 0L);
            }
            long waiting = 0;
            try (PreparedStatement s = c.prepareStatement("SELECT priority, count(*) FROM " + LIVE_SCHEMA
                    + ".patients WHERE queue_id = ? AND state IN " + WAITING_STATES + " GROUP BY priority")) {
                s.setString(1, queueId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        byPriority.put(rs.getString(1), rs.getLong(2));
                        waiting += rs.getLong(2);
                    }
                }
            }
            Map<String, Long> byState = new LinkedHashMap<>();
            // Wait = check-in until the consultation started (or the visit ended, or now if still open).
            double avgWait = Double.NaN;
            long maxWait = -1;
            long patients = 0;
            try (PreparedStatement s = c.prepareStatement("SELECT state, count(*),"
                    + " sum(extract(epoch FROM COALESCE(consultation_started_at, finished_at, ?) - checked_in_at)),"
                    + " max(extract(epoch FROM COALESCE(consultation_started_at, finished_at, ?) - checked_in_at))"
                    + " FROM " + LIVE_SCHEMA + ".patients WHERE queue_id = ? GROUP BY state")) {
                java.time.OffsetDateTime at = java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC);
                s.setObject(1, at);
                s.setObject(2, at);
                s.setString(3, queueId);
                double sum = 0;
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        byState.put(rs.getString(1), rs.getLong(2));
                        patients += rs.getLong(2);
                        sum += rs.getDouble(3);
                        maxWait = Math.max(maxWait, Math.max(0, (long) rs.getDouble(4)));
                    }
                }
                if (patients > 0) {
                    avgWait = Math.max(0, sum / patients);
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
            long completed = byState.getOrDefault(PatientState.Completed.name(), 0L);
            long cancelled = byState.getOrDefault(PatientState.Cancelled.name(), 0L);
            long open = patients - completed - cancelled;
            Double utilization = capacity == null || capacity <= 0 ? null
                    : Math.round(open * 1000.0 / capacity) / 1000.0;
            return new Views.QueueMonitor(queueId, name, capacity, version, byPriority, waiting,
                    byState.getOrDefault(PatientState.AtCashier.name(), 0L),
                    byState.getOrDefault(PatientState.WaitingForConsultation.name(), 0L),
                    byState.getOrDefault(PatientState.Claimed.name(), 0L)
                            + byState.getOrDefault(PatientState.Called.name(), 0L),
                    byState.getOrDefault(PatientState.InConsultation.name(), 0L), completed, cancelled, activeRooms,
                    patients == 0 ? null : Math.round(avgWait * 10.0) / 10.0, patients == 0 ? null : maxWait,
                    lastCheckIn, utilization);
        }
    }

    public Views.NextTurn nextTurn(String queueId, long version, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<Views.StationCall> rooms = stations(c, "rooms", "room_id", queueId);
            List<Views.StationCall> desks = stations(c, "cashier_desks", "desk_id", queueId);
            return new Views.NextTurn(queueId, version, rooms, desks,
                    firstWaiting(c, queueId, "('WaitingForCashier', 'PaymentPending')", now),
                    firstWaiting(c, queueId, "('WaitingForConsultation')", now));
        }
    }

    public List<Views.FinishedAttention> history(String queueId, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT patient_id, patient_name, priority, state, outcome, room_id,"
                     + " notes, checked_in_at, finished_at FROM " + LIVE_SCHEMA + ".patients"
                     + " WHERE queue_id = ? AND finished_at IS NOT NULL ORDER BY finished_at DESC, patient_id LIMIT ?")) {
            s.setString(1, queueId);
            s.setInt(2, limit);
            List<Views.FinishedAttention> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Views.FinishedAttention(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), instant(rs, 8),
                            instant(rs, 9)));
                }
            }
            return result;
        }
    }

    public Optional<Views.Trajectory> trajectory(String queueId, String patientId, long version) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String name;
            String priority;
            String state;
            try (PreparedStatement s = c.prepareStatement("SELECT patient_name, priority, state FROM " + LIVE_SCHEMA
                    + ".patients WHERE queue_id = ? AND patient_id = ?")) {
                s.setString(1, queueId);
                s.setString(2, patientId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    name = rs.getString(1);
                    priority = rs.getString(2);
                    state = rs.getString(3);
                }
            }
            List<Views.Step> steps = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT version, event_type, occurred_at, state, room_id,"
                    + " desk_id, detail FROM " + LIVE_SCHEMA + ".patient_steps WHERE queue_id = ? AND patient_id = ?"
                    + " ORDER BY version")) {
                s.setString(1, queueId);
                s.setString(2, patientId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        steps.add(new Views.Step(rs.getLong(1), rs.getString(2), instant(rs, 3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
            }
            return Optional.of(new Views.Trajectory(queueId, patientId, name, priority, state, version, steps));
        }
    }

    private static List<Views.StationCall> stations(Connection c, String table, String idColumn, String queueId)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT st." + idColumn + ", st.active, st.state, st.patient_id,"
                + " p.patient_name, st.called_at FROM " + LIVE_SCHEMA + "." + table + " st LEFT JOIN " + LIVE_SCHEMA
                + ".patients p ON p.queue_id = st.queue_id AND p.patient_id = st.patient_id"
                + " WHERE st.queue_id = ? ORDER BY st." + idColumn)) {
            s.setString(1, queueId);
            List<Views.StationCall> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Views.StationCall(rs.getString(1), rs.getBoolean(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), instant(rs, 6)));
                }
            }
            return result;
        }
    }

    private static Views.WaitingPatient firstWaiting(Connection c, String queueId, String states, Instant now)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + PATIENT_COLUMNS + " FROM " + LIVE_SCHEMA
                + ".patients WHERE queue_id = ? AND state IN " + states + WAITING_ORDER + " LIMIT 1")) {
            s.setString(1, queueId);
            List<Views.WaitingPatient> found = readWaiting(s, now);
            return found.isEmpty() ? null : found.get(0);
        }
    }

    private static List<Views.WaitingPatient> readWaiting(PreparedStatement s, Instant now) throws SQLException {
        List<Views.WaitingPatient> result = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                Instant checkedIn = instant(rs, 6);
                result.add(new Views.WaitingPatient(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), checkedIn, Math.max(0, Duration.between(checkedIn, now).getSeconds())));
            }
        }
        return result;
    }
}
