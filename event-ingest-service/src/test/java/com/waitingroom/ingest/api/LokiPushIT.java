package com.waitingroom.ingest.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The Loki tests against the packaged application (JVM jar, or the native executable with -Pnative). */
@QuarkusIntegrationTest
public class LokiPushIT extends LokiPushTest {
}
