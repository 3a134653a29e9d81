package com.waitingroom.outbox;

import java.net.URL;

import org.junit.jupiter.api.Test;

import com.waitingroom.testsupport.http.HttpLayerContract;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The suite's one HTTP layer (service-http) as this service's public port shows it (no operation here reads a body: no 415). */
@QuarkusTest
class HttpLayerTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void frameworkAndOwnRefusalsShareOneProblemShapeAndCorrelationRule() throws Exception {
        new HttpLayerContract(root.getHost(), root.getPort(), TestIssuer.admin()).verify("/admin/outbox/counts", null, true);
    }
}
