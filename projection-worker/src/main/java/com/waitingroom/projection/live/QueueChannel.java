package com.waitingroom.projection.live;

import java.util.ArrayList;
import java.util.List;

/**
 * The subscribers of one queue on this replica, the last snapshot sent to them, and the state of
 * its reads: at most one read runs per queue and at most one more is due after it.
 */
final class QueueChannel {

    final String queueId;
    private final List<StreamSubscriber> subscribers = new ArrayList<>();
    private StreamItem.Snapshot latest;
    /** A read is due or running. */
    private boolean stale;
    private boolean reading;
    /** A change arrived while reading: read once more. */
    private boolean rereadDue;

    QueueChannel(String queueId) {
        this.queueId = queueId;
    }

    /** Adds the subscriber and offers it the latest snapshot; null when none was read yet. */
    synchronized StreamItem.Snapshot add(StreamSubscriber subscriber) {
        subscribers.add(subscriber);
        if (latest != null) {
            subscriber.offer(latest);
        }
        return latest;
    }

    /** Removes the subscriber; true when none is left (the channel may be forgotten). */
    synchronized boolean remove(StreamSubscriber subscriber) {
        subscribers.remove(subscriber);
        return subscribers.isEmpty();
    }

    /** Sends a snapshot newer than the latest to every subscriber (older ones: a slower read lost a race). */
    synchronized void publish(StreamItem.Snapshot snapshot) {
        if (latest != null && snapshot.version() <= latest.version()) {
            return;
        }
        latest = snapshot;
        // a copy: a subscriber that overflows is removed from this list by its termination, on this thread
        for (StreamSubscriber subscriber : List.copyOf(subscribers)) {
            subscriber.offer(snapshot);
        }
    }

    synchronized void heartbeat() {
        for (StreamSubscriber subscriber : List.copyOf(subscribers)) {
            subscriber.heartbeat();
        }
    }

    /** True when the caller must schedule a read (none is due or running yet). */
    synchronized boolean markStale() {
        if (reading) {
            rereadDue = true;
            return false;
        }
        if (stale) {
            return false;
        }
        stale = true;
        return true;
    }

    synchronized void readStarting() {
        stale = false;
        reading = true;
    }

    /** True when another read is due (a change arrived meanwhile). */
    synchronized boolean readFinished() {
        reading = false;
        if (rereadDue) {
            rereadDue = false;
            stale = true;
            return true;
        }
        return false;
    }
}
