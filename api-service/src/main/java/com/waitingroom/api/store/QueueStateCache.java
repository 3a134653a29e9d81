package com.waitingroom.api.store;

import com.waitingroom.api.config.ApiConfig;
import com.waitingroom.api.domain.QueueSnapshot;
import com.waitingroom.api.domain.WaitingQueue;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last state this instance committed per queue, so a command on a hot queue can skip the
 * load round trip. It is only ever a guess: an append from stale state collides on the stream's
 * unique (aggregate_id, version) and the caller evicts and reloads, and a refusal decided on
 * cached state is re-checked against the store. Immutable snapshots are cached (never the
 * mutable aggregate), bounded LRU.
 */
@ApplicationScoped
public class QueueStateCache {

    private final int maxQueues;
    private final Map<String, QueueSnapshot> states;

    public QueueStateCache(ApiConfig config) {
        this.maxQueues = config.cache().maxQueues();
        this.states = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, QueueSnapshot> eldest) {
                return size() > maxQueues;
            }
        };
    }

    public boolean enabled() {
        return maxQueues > 0;
    }

    /** A fresh aggregate built from the cached state, if any. */
    public Optional<WaitingQueue> get(String queueId) {
        if (!enabled()) {
            return Optional.empty();
        }
        QueueSnapshot snapshot;
        synchronized (states) {
            snapshot = states.get(queueId);
        }
        return Optional.ofNullable(snapshot).map(WaitingQueue::fromSnapshot);
    }

    /** Remembers a committed state, unless a newer one is already known. */
    public void put(WaitingQueue committed) {
        if (!enabled() || !committed.exists()) {
            return;
        }
        QueueSnapshot snapshot = committed.snapshot();
        synchronized (states) {
            QueueSnapshot known = states.get(snapshot.queueId());
            if (known == null || known.version() < snapshot.version()) {
                states.put(snapshot.queueId(), snapshot);
            }
        }
    }

    public void evict(String queueId) {
        synchronized (states) {
            states.remove(queueId);
        }
    }
}
