package com.waitingroom.ingest.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The search parameter refusals against the packaged application. */
@QuarkusIntegrationTest
public class SearchParametersIT extends SearchParametersTest {
}
