package com.waitingroom.support.shutdown;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InFlightTest {

    @Test
    void theDrainEndsWhenTheLastRequestIsAnswered() throws Exception {
        InFlight inFlight = new InFlight();
        inFlight.started();
        inFlight.started();
        CompletableFuture<Integer> drain = CompletableFuture.supplyAsync(() -> inFlight.awaitNone(Duration.ofSeconds(30)));
        inFlight.finished();
        InFlight.pause(Duration.ofMillis(50));
        assertEquals(false, drain.isDone(), "one request is still running");
        inFlight.finished();
        assertEquals(0, drain.get());
    }

    @Test
    void theDrainGivesUpAfterItsTimeoutAndSaysHowManyAreLeft() {
        InFlight inFlight = new InFlight();
        inFlight.started();
        assertEquals(1, inFlight.awaitNone(Duration.ofMillis(30)));
        assertEquals(1, inFlight.count());
    }
}
