package com.waitingroom.projection.domain;

import java.time.Instant;

/** Mutable row of projection.queues while a batch is applied. */
public final class QueueRecord {
    public final String queueId;
    public String name;
    public Integer maxCapacity;
    public Instant createdAt;
    public Instant lastCheckInAt;
    public long version;
    /** The queue's line counter (kernel LineOrder): the sequence the next patient entering a line draws. */
    public long nextLineSequence = 1;
    public boolean dirty;

    public QueueRecord(String queueId) {
        this.queueId = queueId;
    }
}
