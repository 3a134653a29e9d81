package com.waitingroom.outbox;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The relay's guarantees (broker outage, publisher nacks, dead rows, requeue) against the packaged app. */
@QuarkusIntegrationTest
class RelayGuaranteesIT extends RelayGuaranteesTest {
}
