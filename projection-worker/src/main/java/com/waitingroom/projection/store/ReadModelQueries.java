package com.waitingroom.projection.store;

import com.waitingroom.projection.api.Views;
import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.domain.PatientState;
import com.waitingroom.projection.domain.WaitEstimates;
import com.waitingroom.projection.domain.WaitSettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static com.waitingroom.projection.store.ReadModelWriter.LIVE_SCHEMA;
import static com.waitingroom.projection.store.ReadModelWriter.instant;

/**
 * Reads of the live read models for the query API. A view that reads several statements reads
 * them from one snapshot, so its version, lines and counts always belong together. Plain JDBC on
 * any {@link DataSource}: usable outside CDI (e.g. a differential test against the aggregate).
 */
@Singleton
public class ReadModelQueries {

    /**
     * The order in which a line is served: the SQL form of kernel {@code LineOrder} (higher priority
     * level first, then the lower line sequence) over the sequences the events carry, so the read
     * side shows exactly the order in which the aggregate calls. No view orders a line otherwise.
     * Served by the index patients_line_order (queue_id, state, priority_level DESC, line_sequence).
     */
    public static final String LINE_ORDER = " ORDER BY priority_level DESC, line_sequence";

    private static final String LINE_COLUMNS =
            "patient_id, ticket_number, patient_name, priority, state, consultation_type, checked_in_at";

    private final DataSource dataSource;
    private final WaitEstimateQuery waitEstimates;

    /** Outside CDI (e.g. the fidelity test): predicted waits with the default settings. */
    public ReadModelQueries(DataSource dataSource) {
        this(dataSource, WaitSettings.DEFAULTS);
    }

    @Inject
    public ReadModelQueries(DataSource dataSource, ProjectionConfig config) {
        this(dataSource, config.waitEstimate().settings());
    }

    public ReadModelQueries(DataSource dataSource, WaitSettings waitSettings) {
        this.dataSource = dataSource;
        this.waitEstimates = new WaitEstimateQuery(waitSettings);
    }

    /**
     * Predicted waits of both lines of the queue, on a connection the caller holds (inside its view's
     * snapshot, so they match the lines it reads there). One call per view, not per patient.
     */
    public WaitEstimates estimates(Connection c, String queueId, Instant now) throws SQLException {
        return waitEstimates.estimates(c, queueId, now);
    }

    /** The queue's applied version (the ETag source), empty for an unknown queue. */
    public Optional<Long> queueVersion(String queueId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return version(c, queueId);
        }
    }

    /** The cashier line, the consultation line and the pending payments, each in line order. */
    public Optional<Views.QueueState> queueState(String queueId, Instant now) throws SQLException {
        return Snapshot.read(dataSource, c -> {
            Optional<Long> version = version(c, queueId);
            if (version.isEmpty()) {
                return Optional.empty();
            }
            WaitEstimates waits = estimates(c, queueId, now);
            return Optional.of(new Views.QueueState(queueId, version.get(),
                    line(c, queueId, PatientState.WaitingForCashier, now, false, waits),
                    line(c, queueId, PatientState.WaitingForConsultation, now, false, waits),
                    line(c, queueId, PatientState.PaymentPending, now, false, WaitEstimates.NONE)));
        });
    }

    /** Counts per state and priority, waits, utilization and who each line serves next. */
    public Optional<Views.QueueMonitor> monitor(String queueId, Instant now) throws SQLException {
        return Snapshot.read(dataSource, c -> QueueMonitorQuery.read(c, queueId, now,
                first(c, queueId, PatientState.WaitingForCashier, now, WaitEstimates.NONE),
                first(c, queueId, PatientState.WaitingForConsultation, now, WaitEstimates.NONE)));
    }

    /**
     * Every room's and desk's current call, and the first patient of each line. Only the cashier
     * line is callable by a desk: a patient whose payment is pending is never "next for cashier".
     */
    public Optional<Views.NextTurn> nextTurn(String queueId, Instant now) throws SQLException {
        return Snapshot.read(dataSource, c -> {
            Optional<Long> version = version(c, queueId);
            if (version.isEmpty()) {
                return Optional.empty();
            }
            WaitEstimates waits = estimates(c, queueId, now);
            return Optional.of(new Views.NextTurn(queueId, version.get(),
                    stations(c, "rooms", "room_id", queueId), stations(c, "cashier_desks", "desk_id", queueId),
                    first(c, queueId, PatientState.WaitingForCashier, now, waits),
                    first(c, queueId, PatientState.WaitingForConsultation, now, waits)));
        });
    }

    /**
     * The last {@code limit} finished visits (completed, cancelled, left), most recent first, each with
     * the actor of the visit's last step: the event that finished it.
     */
    public List<Views.FinishedAttention> history(String queueId, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT p.patient_id, p.patient_name, p.priority, p.state,"
                     + " p.outcome, p.room_id, p.notes, p.checked_in_at, p.finished_at, last.actor, last.actor_role"
                     + " FROM (SELECT * FROM " + LIVE_SCHEMA + ".patients WHERE queue_id = ? AND finished_at IS NOT NULL"
                     + " ORDER BY finished_at DESC, patient_id LIMIT ?) AS p"
                     + " LEFT JOIN LATERAL (SELECT actor, actor_role FROM " + LIVE_SCHEMA + ".patient_steps st"
                     + " WHERE st.queue_id = p.queue_id AND st.patient_id = p.patient_id AND st.visit = p.visit"
                     + " ORDER BY st.version DESC LIMIT 1) AS last ON true"
                     + " ORDER BY p.finished_at DESC, p.patient_id")) {
            s.setString(1, queueId);
            s.setInt(2, limit);
            List<Views.FinishedAttention> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Views.FinishedAttention(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), instant(rs, 8),
                            instant(rs, 9), rs.getString(10), rs.getString(11)));
                }
            }
            return result;
        }
    }

    /** Every step of every visit of the patient, grouped by visit; empty for an unknown queue or patient. */
    public Optional<Views.Trajectory> trajectory(String queueId, String patientId) throws SQLException {
        return Snapshot.read(dataSource, c -> {
            Optional<Long> version = version(c, queueId);
            if (version.isEmpty()) {
                return Optional.empty();
            }
            String name;
            String priority;
            String state;
            int visit;
            try (PreparedStatement s = c.prepareStatement("SELECT patient_name, priority, state, visit FROM "
                    + LIVE_SCHEMA + ".patients WHERE queue_id = ? AND patient_id = ?")) {
                s.setString(1, queueId);
                s.setString(2, patientId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    name = rs.getString(1);
                    priority = rs.getString(2);
                    state = rs.getString(3);
                    visit = rs.getInt(4);
                }
            }
            Map<Integer, List<Views.Step>> byVisit = new TreeMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT visit, version, event_type, occurred_at, state,"
                    + " room_id, desk_id, detail, actor, actor_role FROM " + LIVE_SCHEMA + ".patient_steps"
                    + " WHERE queue_id = ? AND patient_id = ? ORDER BY version")) {
                s.setString(1, queueId);
                s.setString(2, patientId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        byVisit.computeIfAbsent(rs.getInt(1), v -> new ArrayList<>()).add(new Views.Step(
                                rs.getLong(2), rs.getString(3), instant(rs, 4), rs.getString(5), rs.getString(6),
                                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)));
                    }
                }
            }
            List<Views.Visit> visits = new ArrayList<>();
            byVisit.forEach((number, steps) -> visits.add(new Views.Visit(number, steps)));
            return Optional.of(new Views.Trajectory(queueId, patientId, name, priority, state, visit, version.get(),
                    visits));
        });
    }

    static Optional<Long> version(Connection c, String queueId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM " + LIVE_SCHEMA + ".queues WHERE queue_id = ?")) {
            s.setString(1, queueId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private static Views.WaitingPatient first(Connection c, String queueId, PatientState state, Instant now,
                                              WaitEstimates waits) throws SQLException {
        List<Views.WaitingPatient> found = line(c, queueId, state, now, true, waits);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The patients of one state in line order, numbered from 1 (only the first when {@code firstOnly}). */
    private static List<Views.WaitingPatient> line(Connection c, String queueId, PatientState state, Instant now,
                                                   boolean firstOnly, WaitEstimates waits) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + LINE_COLUMNS + " FROM " + LIVE_SCHEMA
                + ".patients WHERE queue_id = ? AND state = ?" + LINE_ORDER + (firstOnly ? " LIMIT 1" : ""))) {
            s.setString(1, queueId);
            s.setString(2, state.name());
            List<Views.WaitingPatient> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Instant checkedIn = instant(rs, 7);
                    result.add(new Views.WaitingPatient(result.size() + 1, rs.getString(1), rs.getString(2),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), checkedIn,
                            Math.max(0, Duration.between(checkedIn, now).getSeconds()),
                            waits.secondsFor(rs.getString(1))));
                }
            }
            return result;
        }
    }

    private static List<Views.StationCall> stations(Connection c, String table, String idColumn, String queueId)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT st." + idColumn + ", st.active, st.state, st.patient_id,"
                + " p.ticket_number, p.patient_name, st.called_at FROM " + LIVE_SCHEMA + "." + table + " st LEFT JOIN " + LIVE_SCHEMA
                + ".patients p ON p.queue_id = st.queue_id AND p.patient_id = st.patient_id"
                + " WHERE st.queue_id = ? ORDER BY st." + idColumn)) {
            s.setString(1, queueId);
            List<Views.StationCall> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Views.StationCall(rs.getString(1), rs.getBoolean(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), instant(rs, 7)));
                }
            }
            return result;
        }
    }
}
