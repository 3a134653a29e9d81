package com.waitingroom.api.api;

import static com.waitingroom.security.Roles.ADMIN;

import java.net.URL;

import org.junit.jupiter.api.Test;

import com.waitingroom.testsupport.http.HttpLayerContract;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The suite's one HTTP layer (service-http) as this service's public port shows it. */
@QuarkusTest
class HttpLayerTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void frameworkAndOwnRefusalsShareOneProblemShapeAndCorrelationRule() throws Exception {
        new HttpLayerContract(root.getHost(), root.getPort(), Tokens.bearer(ADMIN))
                .verify("/api/waiting-rooms/contract-q", "/api/waiting-rooms/contract-q/check-ins", true);
    }
}
