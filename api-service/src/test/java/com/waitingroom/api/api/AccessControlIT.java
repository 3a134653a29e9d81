package com.waitingroom.api.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Access control of the packaged application (JVM jar, or native with -Pnative). */
@QuarkusIntegrationTest
class AccessControlIT extends AccessControlTest {
}
