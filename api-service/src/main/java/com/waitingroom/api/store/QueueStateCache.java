package com.waitingroom.api.store;

import com.waitingroom.api.config.ApiConfig;
import com.waitingroom.api.domain.WaitingQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last state this instance committed per queue, so a command on a hot queue can skip the
 * load round trip. It is only ever a guess: an append from stale state collides on the stream's
 * unique (aggregate_id, version) and the caller reloads, and a refusal decided on cached state is
 * re-checked against the store. A command takes the aggregate OUT of the cache, decides on it (which
 * mutates it) and puts it back once its events are committed: no copy of the state per command, and
 * no two commands can ever share one instance. Bounded LRU.
 */
@ApplicationScoped
public class QueueStateCache {

    private final int maxQueues;
    private final Map<String, WaitingQueue> states;

    @Inject
    public QueueStateCache(ApiConfig config) {
        this(config.cache().maxQueues());
    }

    QueueStateCache(int maxQueues) {
        this.maxQueues = maxQueues;
        this.states = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, WaitingQueue> eldest) {
                return size() > maxQueues;
            }
        };
    }

    /** Removes and returns the queue's committed state, if cached: the caller owns it from now on. */
    public Optional<WaitingQueue> take(String queueId) {
        synchronized (states) {
            return Optional.ofNullable(states.remove(queueId));
        }
    }

    /**
     * Hands over a committed state (the caller must not touch it any more), unless a newer one is
     * already known.
     */
    public void put(WaitingQueue committed) {
        if (maxQueues <= 0 || !committed.exists()) {
            return;
        }
        synchronized (states) {
            WaitingQueue known = states.get(committed.queueId());
            if (known == null || known.version() < committed.version()) {
                states.put(committed.queueId(), committed);
            }
        }
    }
}
