package com.waitingroom.outbox.messaging;

import com.rabbitmq.client.AMQP;
import com.waitingroom.outbox.domain.OutboxRow;
import com.waitingroom.outbox.store.RelayStore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One claimed batch and its own transaction (its row locks keep other workers and replicas away until
 * it commits): the rows sent, their traces and properties, and what it tells the batch after it.
 */
final class RelayBatch implements AutoCloseable {

    final Connection connection;
    final RelayStore.Claim claim;
    final long claimNanos;
    final List<OutboxRow> publishable;
    final List<PublishTracing.RowTrace> traces;
    final List<AMQP.BasicProperties> properties;
    final List<RelayStore.Failure> failures = new ArrayList<>();
    /** Aggregates whose later rows must not go out behind this batch (a retrying or malformed row). */
    final Set<String> halted = new HashSet<>();
    /** Aggregates with a row this batch failed to publish: later rows sent meanwhile are held back. */
    final Set<String> failed = new HashSet<>();
    ConfirmingPublisher.Sent sent;
    long sentNanos;
    private boolean open = true;

    RelayBatch(Connection connection, RelayStore.Claim claim, long claimNanos) {
        this.connection = connection;
        this.claim = claim;
        this.claimNanos = claimNanos;
        int size = claim.rows().size();
        this.publishable = new ArrayList<>(size);
        this.traces = new ArrayList<>(size);
        this.properties = new ArrayList<>(size);
    }

    boolean isSent() {
        return sent != null;
    }

    /** The ids of the rows sent, for the next claim (they do not block their successors). */
    Long[] sentIds() {
        Long[] ids = new Long[publishable.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = publishable.get(i).id();
        }
        return ids;
    }

    void commit() throws SQLException {
        connection.commit();
        open = false;
        release();
    }

    /** Rolls back (rows back to pending, locks released) unless committed; never throws. */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is probably gone; the pool discards it
        }
        release();
    }

    private void release() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the pool discards a broken connection
        }
    }
}
