package com.waitingroom.projection.store;

import com.waitingroom.projection.domain.PatientState;
import com.waitingroom.projection.domain.StageOccupancies;
import com.waitingroom.projection.domain.WaitEstimates;
import com.waitingroom.projection.domain.WaitModel;
import com.waitingroom.projection.domain.WaitSettings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static com.waitingroom.projection.store.ReadModelWriter.LIVE_SCHEMA;
import static com.waitingroom.projection.store.ReadModelWriter.instant;

/**
 * Reads what {@link WaitModel} needs from the live read models, on the caller's connection (inside a
 * view's snapshot, so the estimates belong to the lines the view shows): the queue's latest steps
 * (bounded, by the primary key (queue_id, version)), its desks and rooms, and both lines in line order.
 * Three statements per view, whatever the number of patients. Derived at query time: rebuild-safe.
 */
public final class WaitEstimateQuery {

    private final WaitModel model;
    private final WaitSettings settings;

    public WaitEstimateQuery(WaitSettings settings) {
        this.settings = settings;
        this.model = new WaitModel(settings);
    }

    /** Predicted waits of every patient of both lines of the queue at {@code now}. */
    public WaitEstimates estimates(Connection c, String queueId, Instant now) throws SQLException {
        StageOccupancies occupancies = StageOccupancies.of(recentSteps(c, queueId, now));
        List<WaitModel.Station> desks = new ArrayList<>();
        List<WaitModel.Station> rooms = new ArrayList<>();
        stations(c, queueId, now, occupancies, desks, rooms);
        List<WaitModel.Waiting> cashierLine = new ArrayList<>();
        List<WaitModel.Waiting> consultationLine = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT patient_id, state, consultation_type, priority_level FROM "
                + LIVE_SCHEMA
                + ".patients WHERE queue_id = ? AND state IN (?, ?)" + ReadModelQueries.LINE_ORDER)) {
            s.setString(1, queueId);
            s.setString(2, PatientState.WaitingForCashier.name());
            s.setString(3, PatientState.WaitingForConsultation.name());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    WaitModel.Waiting waiting = new WaitModel.Waiting(rs.getString(1), rs.getString(3), rs.getInt(4));
                    (PatientState.WaitingForCashier.name().equals(rs.getString(2)) ? cashierLine : consultationLine)
                            .add(waiting);
                }
            }
        }
        return model.estimate(new WaitModel.Input(occupancies.finished(), occupancies.entries(),
                occupancies.observedSince(), desks, rooms, cashierLine, consultationLine),
                now);
    }

    /** The queue's latest steps within the lookback, oldest first, each with its patient's consultation type. */
    private List<StageOccupancies.Step> recentSteps(Connection c, String queueId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT st.patient_id, st.visit, st.event_type, st.occurred_at,"
                + " st.desk_id, p.consultation_type, p.priority_level FROM (SELECT patient_id, visit, event_type, occurred_at, desk_id, version FROM "
                + LIVE_SCHEMA + ".patient_steps WHERE queue_id = ? ORDER BY version DESC LIMIT ?) st"
                + " LEFT JOIN " + LIVE_SCHEMA + ".patients p ON p.queue_id = ? AND p.patient_id = st.patient_id"
                + " WHERE st.occurred_at >= ? ORDER BY st.version")) {
            s.setString(1, queueId);
            s.setInt(2, settings.stepsScanned());
            s.setString(3, queueId);
            s.setObject(4, java.time.OffsetDateTime.ofInstant(now.minus(settings.lookback()), java.time.ZoneOffset.UTC));
            List<StageOccupancies.Step> steps = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    steps.add(new StageOccupancies.Step(rs.getString(1), rs.getInt(2), rs.getString(3), instant(rs, 4),
                            rs.getString(5), rs.getString(6), rs.getInt(7)));
                }
            }
            return steps;
        }
    }

    /**
     * Open desks and active rooms. Desks have no open/close events: a desk without a patient whose last
     * call is older than {@code deskIdleClosed} counts as closed, unless that closes them all.
     */
    private void stations(Connection c, String queueId, Instant now, StageOccupancies occupancies,
                          List<WaitModel.Station> desks, List<WaitModel.Station> rooms) throws SQLException {
        List<WaitModel.Station> staleDesks = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT 'desk', d.desk_id, d.active, d.patient_id, d.called_at,"
                + " p.consultation_type FROM " + LIVE_SCHEMA + ".cashier_desks d LEFT JOIN " + LIVE_SCHEMA
                + ".patients p ON p.queue_id = d.queue_id AND p.patient_id = d.patient_id WHERE d.queue_id = ?"
                + " UNION ALL SELECT 'room', r.room_id, r.active, r.patient_id, r.called_at, p.consultation_type FROM "
                + LIVE_SCHEMA + ".rooms r LEFT JOIN " + LIVE_SCHEMA + ".patients p ON p.queue_id = r.queue_id"
                + " AND p.patient_id = r.patient_id WHERE r.queue_id = ?")) {
            s.setString(1, queueId);
            s.setString(2, queueId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getBoolean(3)) {
                        continue; // an inactive room claims nobody
                    }
                    boolean desk = rs.getString(1).equals("desk");
                    String patientId = rs.getString(4);
                    Instant calledAt = instant(rs, 5);
                    Instant since = patientId == null ? null : desk ? occupancies.deskSince(patientId)
                            : occupancies.roomSince(patientId);
                    WaitModel.Station station = new WaitModel.Station(rs.getString(2), patientId != null,
                            since != null ? since : calledAt, rs.getString(6));
                    if (!desk) {
                        rooms.add(station);
                    } else if (patientId == null && idleTooLong(occupancies.lastCallAt(station.stationId()), now)) {
                        staleDesks.add(station);
                    } else {
                        desks.add(station);
                    }
                }
            }
        }
        if (desks.isEmpty()) {
            desks.addAll(staleDesks);
        }
    }

    private boolean idleTooLong(Instant lastCall, Instant now) {
        return lastCall == null || lastCall.isBefore(now.minus(settings.deskIdleClosed()));
    }
}
