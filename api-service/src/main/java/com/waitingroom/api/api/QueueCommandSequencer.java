package com.waitingroom.api.api;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs the commands of one queue one after the other within this instance (commands of different
 * queues run concurrently). Without it, two concurrent commands decide on the same version and
 * one of them collides in PostgreSQL: a failed grouped statement, replayed command by command,
 * then a reload and a retry after a random pause. Collisions with other instances remain possible
 * and are still handled by the store's unique stream version.
 */
@ApplicationScoped
public class QueueCommandSequencer {

    /** Per queue, the completion of the last command that entered its line. */
    private final Map<String, CompletableFuture<Void>> lastInLine = new HashMap<>();

    /** Subscribes to {@code command} once every earlier command of the queue has terminated. */
    public <T> Uni<T> inLine(String queueId, Supplier<Uni<T>> command) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> previous;
            synchronized (lastInLine) {
                previous = lastInLine.put(queueId, mine);
            }
            Runnable leaveLine = () -> {
                synchronized (lastInLine) {
                    lastInLine.remove(queueId, mine);
                }
                mine.complete(null);
            };
            return turnAfter(previous).chain(command::get).onTermination().invoke(leaveLine);
        });
    }

    /** Whether a command of the queue is running or waiting (for tests and diagnostics). */
    boolean busy(String queueId) {
        synchronized (lastInLine) {
            return lastInLine.containsKey(queueId);
        }
    }

    // Not Uni.createFrom().completionStage(previous): cancelling our request must not complete
    // (cancel) the previous command's future and let the commands after it jump the line.
    private static Uni<Void> turnAfter(CompletableFuture<Void> previous) {
        if (previous == null) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(emitter -> previous.whenComplete((ignored, failure) -> emitter.complete(null)));
    }
}
