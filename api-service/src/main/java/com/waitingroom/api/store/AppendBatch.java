package com.waitingroom.api.store;

import com.waitingroom.api.domain.QueueSnapshot;
import com.waitingroom.kernel.EventEnvelope;

import java.util.List;

/**
 * Everything one command writes, atomically: its events (versions following
 * {@code expectedVersion} without gaps), an optional snapshot of the resulting state and an
 * optional idempotent response.
 */
public record AppendBatch(
        String aggregateId,
        long expectedVersion,
        List<EventEnvelope> events,
        QueueSnapshot snapshot,
        StoredResponse response) {

    public AppendBatch {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a command appends at least one event");
        }
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).version() != expectedVersion + i + 1) {
                throw new IllegalArgumentException("event versions must follow " + expectedVersion);
            }
        }
    }
}
