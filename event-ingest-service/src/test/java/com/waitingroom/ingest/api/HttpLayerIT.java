package com.waitingroom.ingest.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same contract against the packaged application (JVM jar, or native with -Pnative). */
@QuarkusIntegrationTest
class HttpLayerIT extends HttpLayerTest {
}
