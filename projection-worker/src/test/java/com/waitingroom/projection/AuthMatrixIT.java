package com.waitingroom.projection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.kernel.Priority;
import com.waitingroom.testsupport.auth.AuthMatrix;
import com.waitingroom.testsupport.auth.LocalIssuer;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged app against its own OpenAPI document (management port): every operation × {no token,
 * expired, wrong issuer, wrong audience, bad signature, wrong role, no role, each allowed role}. Path
 * parameters name a queue and a patient that exist, so an allowed request reaches the operation.
 */
@QuarkusIntegrationTest
class AuthMatrixIT extends PublishingTest {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Test
    void everyOperationAnswersAsItsRolesSay() throws Exception {
        TestEvents.Stream stream = new TestEvents.Stream(TestEvents.newQueueId("matrix")).created()
                .checkIn("P-1", "Ana", Priority.HIGH);
        events.publishAll(stream.events);
        WaitingRoomResourceTest.awaitVersion(stream.queueId, 2);
        Map<String, String> parameters = Map.of("queueId", stream.queueId, "patientId", "P-1",
                "name", "waiting-rooms");

        URI document = URI.create("http://127.0.0.1:" + Api.managementPort() + "/q/openapi?format=json");
        URI base = URI.create("http://127.0.0.1:" + RestAssured.port + "/");
        AuthMatrix.Result result = new AuthMatrix(LocalIssuer.shared(), name -> {
            String value = parameters.get(name);
            if (value == null) {
                throw new AssertionError("no value for path parameter '" + name + "': add one to the matrix");
            }
            return value;
        }).run(document, base);

        System.out.println(result.summary("projection-worker"));
        result.mismatches().forEach(mismatch -> System.out.println("  MISMATCH " + mismatch));
        assertEquals(0, result.mismatches().size(), () -> "mismatches: " + result.mismatches());

        Set<String> documented = operations(document);
        Set<String> covered = result.cases().stream().map(c -> c.method() + " " + c.path())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(documented, covered, "every operation of the document is in the matrix");
        assertEquals(documented.size(), result.operations());
        Set<String> authorized = result.cases().stream()
                .filter(c -> c.variant().startsWith("role ") || c.variant().startsWith("declared public"))
                .map(c -> c.method() + " " + c.path()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(documented, authorized, "every operation was called with each of its roles");
        // The only operation open by design: the screen page, which holds no data.
        assertEquals(Set.of("GET /display/{queueId}"), result.cases().stream()
                .filter(c -> c.variant().startsWith("declared public")).map(c -> c.method() + " " + c.path())
                .collect(Collectors.toSet()));
        assertTrue(documented.size() >= 11, "the query API, lag, status and admin operations: " + documented);
    }

    private static Set<String> operations(URI document) throws Exception {
        JsonNode root = new ObjectMapper().readTree(document.toURL());
        Set<String> operations = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (METHODS.contains(method)) {
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        return operations;
    }
}
