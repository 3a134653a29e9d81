package com.waitingroom.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.testsupport.auth.AuthMatrix;
import com.waitingroom.testsupport.auth.LocalIssuer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16: every operation of the packaged app's OpenAPI document (from its management port)
 * against the running app: bad tokens → 401, roles not listed → 403, listed roles get through.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(OutboxTestInfra.class)
class AuthMatrixIT {

    @Test
    void everyOperationOfTheOpenApiDocumentAnswersAsItDeclares() throws Exception {
        URI openApi = URI.create("http://127.0.0.1:" + OutboxTestInfra.managementPort() + "/q/openapi?format=json");
        URI base = URI.create("http://127.0.0.1:" + RestAssured.port + "/");
        // {id}: a row that does not exist, so the admin cases reach the operation (404) and change nothing.
        AuthMatrix.Result result = new AuthMatrix(LocalIssuer.shared(), parameter -> "999999999").run(openApi, base);
        System.out.println(result.summary("outbox-worker"));
        result.mismatches().forEach(mismatch -> System.out.println("  mismatch: " + mismatch));

        assertEquals(0, result.mismatches().size(), () -> "mismatches: " + result.mismatches());
        Set<String> documented = operations(openApi);
        assertFalse(documented.isEmpty(), "the document lists the admin operations");
        assertEquals(documented.size(), result.operations());
        Set<String> covered = result.cases().stream().map(c -> c.method() + " " + c.path())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(documented, covered, "every operation of the document was checked");
        for (String operation : documented) {
            assertTrue(result.cases().stream().anyMatch(c -> (c.method() + " " + c.path()).equals(operation)
                    && c.variant().equals("role admin")), operation + ": admin was tried");
        }
    }

    private static Set<String> operations(URI openApi) throws Exception {
        JsonNode document = new ObjectMapper().readTree(openApi.toURL());
        Set<String> operations = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }
}
