package com.waitingroom.ingest.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same HTTP tests against the packaged application (JVM jar, or the native executable with -Pnative). */
@QuarkusIntegrationTest
public class EventResourceIT extends EventResourceTest {
}
