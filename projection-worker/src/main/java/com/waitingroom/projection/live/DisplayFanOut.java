package com.waitingroom.projection.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.projection.api.Views;
import com.waitingroom.projection.config.ProjectionConfig;
import com.waitingroom.projection.store.DisplayQuery;
import com.waitingroom.projection.store.ReadModelChangeListener;
import com.waitingroom.projection.store.ReadModelChanges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pushes each queue's public view to the screens that stream it. A change committed by any replica
 * arrives as a PostgreSQL notification ({@link ReadModelChangeListener}); for each changed queue
 * that has subscribers here, the view is read and serialized once and offered to every subscriber.
 * Reads of one queue never pile up: a change that arrives while its queue is being read triggers
 * one more read after it, so bursts of commits coalesce into the latest state. A subscriber that
 * does not read its stream is dropped when its buffer is full; nothing here ever waits for it.
 */
@ApplicationScoped
public class DisplayFanOut {

    private static final Logger LOG = Logger.getLogger(DisplayFanOut.class);

    private final ConcurrentHashMap<String, QueueChannel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();

    @Inject
    DisplayQuery query;
    @Inject
    DataSource dataSource;
    @Inject
    ObjectMapper mapper;
    @Inject
    Clock clock;
    @Inject
    ProjectionConfig config;
    @Inject
    MeterRegistry registry;

    private ExecutorService readers;
    private ReadModelChangeListener listener;
    private Counter dropped;

    void start(@Observes StartupEvent event) {
        readers = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "display-fan-out");
            thread.setDaemon(true);
            return thread;
        });
        Gauge.builder("projection.stream.subscribers", subscribers, AtomicInteger::get)
                .description("Open server-sent event streams of queue views on this replica").register(registry);
        dropped = Counter.builder("projection.stream.dropped")
                .description("Streams closed because their client did not read fast enough").register(registry);
        listener = new ReadModelChangeListener(dataSource, this::changed);
        Thread thread = new Thread(listener, "read-model-change-listener");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        listener.stop();
        readers.shutdownNow();
    }

    /** Open streams of one queue on this replica. */
    public int subscriberCount(String queueId) {
        QueueChannel channel = channels.get(queueId);
        return channel == null ? 0 : channel.size();
    }

    /**
     * The stream of {@code queueId}'s public view: the current snapshot (unless the client already holds
     * {@code lastEventId}), then one snapshot per committed change (bursts coalesce into the latest), and
     * heartbeats. The first subscriber of a queue on this replica schedules its first read.
     */
    public Multi<StreamItem> subscribe(String queueId, long lastEventId) {
        return Multi.createFrom().<StreamItem>emitter(emitter -> {
                    StreamSubscriber subscriber = new StreamSubscriber(emitter, lastEventId);
                    // Added inside the map's compute: a channel whose last subscriber leaves concurrently is
                    // dropped under the same lock, so nobody joins a channel that no longer gets changes.
                    // Nothing is emitted inside it (see QueueChannel on locks).
                    QueueChannel channel = channels.compute(queueId, (id, existing) -> {
                        QueueChannel joined = existing == null ? new QueueChannel(id) : existing;
                        joined.add(subscriber);
                        return joined;
                    });
                    subscribers.incrementAndGet();
                    emitter.onTermination(() -> {
                        subscribers.decrementAndGet();
                        channel.remove(subscriber);
                        channels.computeIfPresent(queueId, (id, ch) -> ch.isEmpty() ? null : ch);
                    });
                    StreamItem.Snapshot latest = channel.latest();
                    if (latest != null) {
                        subscriber.offer(latest);
                    } else {
                        refresh(channel); // nothing read for this queue yet: read the current state
                    }
                }, BackPressureStrategy.ERROR)
                .onOverflow().buffer(config.stream().maxPending())
                .onFailure(BackPressureFailure.class).invoke(failure -> dropped.increment());
    }

    @Scheduled(every = "${projection.stream.heartbeat}", delayed = "${projection.stream.heartbeat}")
    void heartbeat() {
        channels.values().forEach(QueueChannel::heartbeat);
    }

    /** Queue ids whose read models changed ({@link ReadModelChanges#EVERY_QUEUE}: any of them). */
    void changed(Set<String> queueIds) {
        if (queueIds.contains(ReadModelChanges.EVERY_QUEUE)) {
            channels.values().forEach(this::refresh);
            return;
        }
        for (String queueId : queueIds) {
            QueueChannel channel = channels.get(queueId);
            if (channel != null) {
                refresh(channel);
            }
        }
    }

    private void refresh(QueueChannel channel) {
        if (channel.markStale()) {
            readers.execute(() -> read(channel));
        }
    }

    private void read(QueueChannel channel) {
        channel.readStarting();
        try {
            Optional<Views.Display> view = query.read(channel.queueId, clock.instant());
            if (view.isPresent()) {
                channel.publish(new StreamItem.Snapshot(view.get().version(), mapper.writeValueAsString(view.get())));
            }
        } catch (SQLException | JsonProcessingException | RuntimeException e) {
            // The next change (or the reconnect of the listener) reads again; subscribers keep what they have.
            LOG.warnf("could not read the display view of queue %s for its streams: %s", channel.queueId,
                    e.getMessage());
        } finally {
            if (channel.readFinished()) {
                readers.execute(() -> read(channel)); // a change arrived during the read
            }
        }
    }
}
