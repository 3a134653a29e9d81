package com.waitingroom.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;

import org.junit.jupiter.api.Test;

import com.waitingroom.testsupport.TestPorts;
import com.waitingroom.testsupport.auth.AuthMatrix;
import com.waitingroom.testsupport.auth.LocalIssuer;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;

/**
 * The packaged service against its own OpenAPI document: every operation × {no token, expired,
 * wrong issuer, wrong audience, bad signature, wrong role, no role, each allowed role}.
 */
@QuarkusIntegrationTest
class AuthMatrixIT {

    @Test
    void everyOperationAnswersAsItsDocumentedRolesSay() throws Exception {
        URI openApi = URI.create("http://127.0.0.1:" + TestPorts.management() + "/q/openapi?format=json");
        URI base = URI.create("http://127.0.0.1:" + RestAssured.port + "/");
        AuthMatrix.Result result = new AuthMatrix(LocalIssuer.shared(), parameter -> {
            throw new AssertionError("no operation of this service has a path parameter: " + parameter);
        }).run(openApi, base);
        System.out.println(result.summary("event-ingest-service"));
        result.cases().forEach(c -> System.out.println("  " + c));
        assertEquals(7, result.operations(),
                "POST /events, GET /events, GET /events/count, GET /events/severity-summary, GET /events/summary, POST /v1/logs, POST /loki/api/v1/push");
        assertEquals(java.util.List.of(), result.mismatches());
    }
}
