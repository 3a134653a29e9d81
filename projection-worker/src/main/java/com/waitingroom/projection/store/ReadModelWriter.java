package com.waitingroom.projection.store;

import com.waitingroom.kernel.EventCodec;
import com.waitingroom.projection.domain.ReadModelProjector;
import com.waitingroom.projection.domain.ReadModelState;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies a batch of events to the read models of one schema inside the caller's transaction:
 * {@link StreamSequencer} decides what applies (positions, duplicates, gaps, parking),
 * {@link ReadModelTables} loads and writes the rows, the projector changes them in memory. This class
 * only composes their statements into two multi-statement calls and names the event a failure
 * belongs to.
 */
public final class ReadModelWriter {

    public static final String LIVE_SCHEMA = "projection";
    public static final String SHADOW_SCHEMA = "projection_rebuild";
    /**
     * The read-model tables a rebuild replaces (inputs like parked_events and parked_queues are not
     * part of it).
     */
    public static final List<String> READ_MODEL_TABLES =
            List.of("stream_positions", "queues", "patients", "rooms", "cashier_desks", "patient_steps");

    private final ReadModelProjector projector = new ReadModelProjector();
    private final StreamSequencer sequencer;

    public ReadModelWriter(EventStoreReader store, EventCodec codec) {
        this.sequencer = new StreamSequencer(store, codec);
    }

    /**
     * Applies a batch in four round trips when nothing is missing: lock positions + read everything
     * the batch may touch (one multi-statement call), project in memory, write every table (one
     * multi-statement call of array-bound statements), and the caller's commit. Closing a gap from
     * the store, or loading patients only named by parked/gap-filled events, costs extra calls.
     *
     * @param parkGaps        true for live consumption (park events ahead of a gap, honour parked
     *                        queues); false for a rebuild, where the store is the whole truth and a
     *                        gap is an error.
     * @param extraAggregates streams to look at even without a new event (their parked events).
     * @throws EventApplyException the projector rejected an event, or the write failed
     *                             deterministically and the transaction applied one queue only
     *                             (charged to the lowest version it applied)
     */
    public BatchOutcome apply(Connection connection, String schema, List<IncomingEvent> batch, boolean parkGaps,
                              Collection<String> extraAggregates) throws SQLException {
        Set<String> aggregateIds = new TreeSet<>(extraAggregates);
        for (IncomingEvent event : batch) {
            aggregateIds.add(event.aggregateId());
        }
        if (aggregateIds.isEmpty()) {
            return new BatchOutcome(List.of(), 0, 0, 0);
        }
        ReadModelState state = new ReadModelState();
        Set<ReadModelState.Key> loadedPatients = ReadModelTables.patientKeys(batch);
        StreamSequencer.Locked locked = lockAndLoad(connection, schema, aggregateIds, loadedPatients, parkGaps, state);
        StreamSequencer.Plan plan = sequencer.plan(connection, locked, batch, parkGaps);

        Set<ReadModelState.Key> unloaded = ReadModelTables.patientKeys(plan.toApply());
        unloaded.removeAll(loadedPatients);
        if (!unloaded.isEmpty()) {
            ReadModelTables.loadPatients(connection, schema, unloaded, state);
        }
        for (IncomingEvent event : plan.toApply()) {
            try {
                projector.apply(state, event.envelope(), event.payload());
            } catch (RuntimeException e) {
                throw new EventApplyException(event, e);
            }
        }
        try {
            write(connection, schema, parkGaps, state, plan);
        } catch (SQLException e) {
            IncomingEvent culprit = Failures.isTransient(e) ? null : lowestOfSingleQueue(plan.toApply());
            if (culprit == null) {
                throw e;
            }
            throw new EventApplyException(culprit, e);
        }
        return plan.outcome();
    }

    /** The first call: the sequencer's lock statements, then the rows of every table the batch may touch. */
    private StreamSequencer.Locked lockAndLoad(Connection connection, String schema, Set<String> aggregateIds,
                                               Set<ReadModelState.Key> patients, boolean live, ReadModelState state)
            throws SQLException {
        Array ids = connection.createArrayOf("text", aggregateIds.toArray());
        String sql = StreamSequencer.lockSql(schema, live) + ReadModelTables.loadSql(schema);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = StreamSequencer.bindLock(statement, 1, ids, live);
            ReadModelTables.bindLoad(connection, statement, index, ids, patients);
            statement.execute();
            StreamSequencer.Locked locked = sequencer.readLocked(statement, live);
            ReadModelTables.readLoaded(statement, state);
            return locked;
        }
    }

    /**
     * The second call: the read-model rows, then the positions and (live) parking and inbox, and (live)
     * the change notifications for the screens' streams (a rebuild notifies once, at its swap).
     */
    private void write(Connection connection, String schema, boolean live, ReadModelState state,
                       StreamSequencer.Plan plan) throws SQLException {
        String sql = ReadModelTables.writeSql(schema) + StreamSequencer.writeSql(schema, live)
                + (live ? ReadModelChanges.notifySql() : "");
        try (ArrayBinder bind = new ArrayBinder(connection, sql)) {
            ReadModelTables.bindWrite(bind, state);
            sequencer.bindWrite(bind, plan, live);
            if (live) {
                ReadModelChanges.bindNotify(bind, state);
            }
            bind.execute();
        }
    }

    /**
     * The event a deterministic write failure is charged to: the lowest version applied, when the
     * transaction applied one queue only (one event per transaction, plus what gap filling or its
     * parked events added). With several queues the failing row cannot be told apart: null.
     */
    private static IncomingEvent lowestOfSingleQueue(List<IncomingEvent> applied) {
        if (applied.isEmpty()) {
            return null;
        }
        String queue = applied.get(0).aggregateId();
        for (IncomingEvent event : applied) {
            if (!event.aggregateId().equals(queue)) {
                return null;
            }
        }
        return applied.get(0); // the plan lists each queue's events in version order
    }

    /** Advances a multi-statement call to its next result set (skipping update counts). */
    static ResultSet nextResultSet(PreparedStatement statement) throws SQLException {
        while (!statement.getMoreResults()) {
            if (statement.getUpdateCount() == -1) {
                throw new SQLException("multi-statement call returned fewer result sets than expected");
            }
        }
        return statement.getResultSet();
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
        }
    }
}
