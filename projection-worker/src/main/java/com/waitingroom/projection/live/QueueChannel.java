package com.waitingroom.projection.live;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The subscribers of one queue on this replica, the last snapshot sent to them, and the state of
 * its reads: at most one read runs per queue and at most one more is due after it.
 *
 * <p>Locks: emitting to a subscriber may end its stream on the spot (its buffer overflowed, it was
 * cancelled), and ending runs {@link DisplayFanOut}'s clean-up, which takes the channel map's lock.
 * So nothing here emits while holding a lock that a thread inside the map's lock may wait for: the
 * subscriber list is copy-on-write (adding and removing never wait for a publish), only publishes
 * wait for each other, and the read bookkeeping has a lock of its own.
 */
final class QueueChannel {

    final String queueId;
    private final List<StreamSubscriber> subscribers = new CopyOnWriteArrayList<>();
    private final Object publishing = new Object();
    private final Object reads = new Object();
    private volatile StreamItem.Snapshot latest;
    /** A read is due or running. */
    private boolean stale;
    private boolean reading;
    /** A change arrived while reading: read once more. */
    private boolean rereadDue;

    QueueChannel(String queueId) {
        this.queueId = queueId;
    }

    /** Adds the subscriber (called inside the channel map's lock: never emits). */
    void add(StreamSubscriber subscriber) {
        subscribers.add(subscriber);
    }

    /**
     * The latest snapshot, read after {@link #add}: together with {@link #publish} setting it before
     * offering, a new subscriber gets every snapshot from this one on (its offer skips duplicates).
     */
    StreamItem.Snapshot latest() {
        return latest;
    }

    void remove(StreamSubscriber subscriber) {
        subscribers.remove(subscriber);
    }

    boolean isEmpty() {
        return subscribers.isEmpty();
    }

    int size() {
        return subscribers.size();
    }

    /** Sends a snapshot newer than the latest to every subscriber (older ones: a slower read lost a race). */
    void publish(StreamItem.Snapshot snapshot) {
        synchronized (publishing) {
            StreamItem.Snapshot previous = latest;
            if (previous != null && snapshot.version() <= previous.version()) {
                return;
            }
            latest = snapshot;
            for (StreamSubscriber subscriber : subscribers) {
                subscriber.offer(snapshot);
            }
        }
    }

    void heartbeat() {
        for (StreamSubscriber subscriber : subscribers) {
            subscriber.heartbeat();
        }
    }

    /** True when the caller must schedule a read (none is due or running yet). */
    boolean markStale() {
        synchronized (reads) {
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
    }

    void readStarting() {
        synchronized (reads) {
            stale = false;
            reading = true;
        }
    }

    /** True when another read is due (a change arrived meanwhile). */
    boolean readFinished() {
        synchronized (reads) {
            reading = false;
            if (rereadDue) {
                rereadDue = false;
                stale = true;
                return true;
            }
            return false;
        }
    }
}
