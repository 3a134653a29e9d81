package com.waitingroom.projection.store;

import com.waitingroom.projection.api.Views;
import com.waitingroom.projection.domain.PatientState;
import com.waitingroom.projection.domain.StationRecord;
import com.waitingroom.projection.domain.WaitEstimates;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.waitingroom.projection.store.ReadModelQueries.LINE_ORDER;
import static com.waitingroom.projection.store.ReadModelWriter.LIVE_SCHEMA;
import static com.waitingroom.projection.store.ReadModelWriter.instant;

/**
 * The public view of a queue for waiting-room screens (and their stream), read from one snapshot.
 * Shows ticket numbers only: names are never read and patient ids never leave this class.
 */
@Singleton
public class DisplayQuery {

    private final DataSource dataSource;
    private final ReadModelQueries queries;

    @Inject
    public DisplayQuery(DataSource dataSource, ReadModelQueries queries) {
        this.dataSource = dataSource;
        this.queries = queries;
    }

    /** Outside CDI (e.g. the fidelity test): predicted waits with the default settings. */
    public DisplayQuery(DataSource dataSource) {
        this(dataSource, new ReadModelQueries(dataSource));
    }

    public Optional<Views.Display> read(String queueId, Instant now) throws SQLException {
        return Snapshot.read(dataSource, c -> {
            String name;
            long version;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT name, version FROM " + LIVE_SCHEMA + ".queues WHERE queue_id = ?")) {
                s.setString(1, queueId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    name = rs.getString(1);
                    version = rs.getLong(2);
                }
            }
            WaitEstimates waits = queries.estimates(c, queueId, now);
            return Optional.of(new Views.Display(queueId, name, version, now, calls(c, queueId),
                    line(c, queueId, PatientState.WaitingForCashier, waits),
                    line(c, queueId, PatientState.WaitingForConsultation, waits),
                    line(c, queueId, PatientState.PaymentPending, WaitEstimates.NONE).size()));
        });
    }

    /** The tickets of one line in serving order; patient ids are read only to look up their estimates. */
    private static List<Views.DisplayTicket> line(Connection c, String queueId, PatientState state,
                                                  WaitEstimates waits) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT ticket_number, patient_id FROM " + LIVE_SCHEMA
                + ".patients WHERE queue_id = ? AND state = ?" + LINE_ORDER)) {
            s.setString(1, queueId);
            s.setString(2, state.name());
            List<Views.DisplayTicket> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Views.DisplayTicket(result.size() + 1, rs.getString(1),
                            waits.secondsFor(rs.getString(2))));
                }
            }
            return result;
        }
    }

    /** Desks calling and rooms that claimed or called a patient, the latest call first. */
    private static List<Views.DisplayCall> calls(Connection c, String queueId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT p.ticket_number, st.kind, st.station_id, st.state,"
                + " st.called_at FROM (SELECT 'cashierDesk' AS kind, desk_id AS station_id, state, patient_id,"
                + " called_at FROM " + LIVE_SCHEMA + ".cashier_desks WHERE queue_id = ? AND state = ?"
                + " UNION ALL SELECT 'room', room_id, state, patient_id, called_at FROM " + LIVE_SCHEMA
                + ".rooms WHERE queue_id = ? AND state IN (?, ?)) AS st"
                + " JOIN " + LIVE_SCHEMA + ".patients p ON p.queue_id = ? AND p.patient_id = st.patient_id"
                + " ORDER BY st.called_at DESC NULLS LAST, st.kind, st.station_id")) {
            s.setString(1, queueId);
            s.setString(2, StationRecord.CALLING);
            s.setString(3, queueId);
            s.setString(4, StationRecord.CLAIMED);
            s.setString(5, StationRecord.CALLING);
            s.setString(6, queueId);
            List<Views.DisplayCall> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new Views.DisplayCall(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), instant(rs, 5)));
                }
            }
            return result;
        }
    }
}
