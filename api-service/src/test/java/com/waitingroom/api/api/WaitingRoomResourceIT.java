package com.waitingroom.api.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same HTTP contract against the packaged application (JVM jar, or native with -Pnative). */
@QuarkusIntegrationTest
class WaitingRoomResourceIT extends WaitingRoomResourceTest {
}
