package com.waitingroom.projection;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class that publishes events to the projection's exchange through one publisher. */
abstract class PublishingTest {

    static TestEvents events;

    @BeforeAll
    static void connectPublisher() throws Exception {
        events = new TestEvents();
    }

    @AfterAll
    static void closePublisher() throws Exception {
        if (events != null) {
            events.close();
        }
    }
}
