package com.waitingroom.ingest.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The search differential test against the packaged application. */
@QuarkusIntegrationTest
public class SearchDifferentialIT extends SearchDifferentialTest {
}
