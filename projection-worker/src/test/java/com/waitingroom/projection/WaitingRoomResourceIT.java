package com.waitingroom.projection;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same HTTP tests against the packaged (JVM or native) application. */
@QuarkusIntegrationTest
class WaitingRoomResourceIT extends WaitingRoomResourceTest {
}
