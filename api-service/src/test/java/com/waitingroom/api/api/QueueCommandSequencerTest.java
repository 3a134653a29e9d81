package com.waitingroom.api.api;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueueCommandSequencerTest {

    private final QueueCommandSequencer sequencer = new QueueCommandSequencer();

    /** A command that stays running until the test completes {@code gate}, and records that it started. */
    private Uni<String> command(CompletableFuture<String> gate, AtomicBoolean started) {
        return Uni.createFrom().deferred(() -> {
            started.set(true);
            return Uni.createFrom().completionStage(gate);
        });
    }

    @Test
    void commandsOfOneQueueRunOneAfterTheOtherEvenWhenOneFails() throws Exception {
        CompletableFuture<String> firstGate = new CompletableFuture<>();
        CompletableFuture<String> secondGate = new CompletableFuture<>();
        AtomicBoolean firstStarted = new AtomicBoolean();
        AtomicBoolean secondStarted = new AtomicBoolean();

        CompletableFuture<String> first = sequencer.inLine("Q", () -> command(firstGate, firstStarted))
                .subscribeAsCompletionStage();
        CompletableFuture<String> second = sequencer.inLine("Q", () -> command(secondGate, secondStarted))
                .subscribeAsCompletionStage();
        assertTrue(firstStarted.get());
        assertFalse(secondStarted.get(), "the second command waits for the first");

        firstGate.completeExceptionally(new IllegalStateException("refused"));
        assertThrows(ExecutionException.class, first::get);
        assertTrue(secondStarted.get(), "a failed command still lets the next one run");
        assertTrue(sequencer.busy("Q"));

        secondGate.complete("done");
        assertEquals("done", second.get());
        assertFalse(sequencer.busy("Q"), "an idle queue leaves no trace");
    }

    @Test
    void commandsOfDifferentQueuesDoNotWaitForEachOther() throws Exception {
        CompletableFuture<String> blocked = new CompletableFuture<>();
        sequencer.inLine("A", () -> command(blocked, new AtomicBoolean())).subscribeAsCompletionStage();

        AtomicBoolean otherStarted = new AtomicBoolean();
        CompletableFuture<String> other = sequencer.inLine("B",
                () -> command(CompletableFuture.completedFuture("B done"), otherStarted)).subscribeAsCompletionStage();
        assertTrue(otherStarted.get());
        assertEquals("B done", other.get());
        blocked.complete("A done");
        assertFalse(sequencer.busy("A"));
    }

    @Test
    void aCancelledWaitingCommandNeverRuns() {
        CompletableFuture<String> firstGate = new CompletableFuture<>();
        sequencer.inLine("Q", () -> command(firstGate, new AtomicBoolean())).subscribeAsCompletionStage();
        AtomicBoolean cancelledStarted = new AtomicBoolean();
        sequencer.inLine("Q", () -> command(new CompletableFuture<>(), cancelledStarted))
                .subscribeAsCompletionStage().cancel(true);

        firstGate.complete("done");
        assertFalse(cancelledStarted.get());
        assertFalse(sequencer.busy("Q"));
    }
}
