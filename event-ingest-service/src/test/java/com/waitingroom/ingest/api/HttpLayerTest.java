package com.waitingroom.ingest.api;

import java.net.URL;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.auth.Tokens;
import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.http.HttpLayerContract;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The suite's one HTTP layer (service-http) as this service's public port (plain Vert.x routes) shows it. */
@QuarkusTest
class HttpLayerTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void frameworkAndOwnRefusalsShareOneProblemShapeAndCorrelationRule() throws Exception {
        new HttpLayerContract(root.getHost(), root.getPort(), Tokens.bearer(Roles.ADMIN)).verify("/events", "/events", true);
    }
}
