package com.waitingroom.projection.store;

import com.waitingroom.projection.domain.QueueRecord;
import com.waitingroom.projection.domain.ReadModelState;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells every projection-worker replica which queues' read models a transaction changed: a
 * PostgreSQL NOTIFY on {@link #CHANNEL} with the queue id as payload, issued inside the writing
 * transaction, so PostgreSQL delivers it only if and after that transaction commits (and never for
 * a rolled-back batch). Listeners ({@link ReadModelChangeListener}) read the committed state.
 */
public final class ReadModelChanges {

    public static final String CHANNEL = "waiting_room_changed";
    /** Payload meaning "any queue may have changed" (a rebuild swapped every table in). */
    public static final String EVERY_QUEUE = "*";

    private ReadModelChanges() {
    }

    /** One statement of the live write call: a notification per queue the batch changed (array-bound). */
    static String notifySql() {
        return " SELECT pg_notify('" + CHANNEL + "', q) FROM unnest(?::text[]) AS q;";
    }

    static void bindNotify(ArrayBinder bind, ReadModelState state) throws SQLException {
        List<QueueRecord> changed = new ArrayList<>();
        for (QueueRecord queue : state.queues.values()) {
            if (queue.dirty) {
                changed.add(queue);
            }
        }
        bind.texts(changed, q -> q.queueId);
    }

    /** Inside a transaction that replaced every read model (the rebuild's swap). */
    static void notifyEveryQueue(Statement statement) throws SQLException {
        statement.execute("SELECT pg_notify('" + CHANNEL + "', '" + EVERY_QUEUE + "')");
    }
}
