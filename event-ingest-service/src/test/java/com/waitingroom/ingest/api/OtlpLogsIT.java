package com.waitingroom.ingest.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The OTLP tests against the packaged application (JVM jar, or the native executable with -Pnative). */
@QuarkusIntegrationTest
public class OtlpLogsIT extends OtlpLogsTest {
}
