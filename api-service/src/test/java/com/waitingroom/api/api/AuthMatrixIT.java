package com.waitingroom.api.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.testsupport.auth.AuthMatrix;
import com.waitingroom.testsupport.auth.LocalIssuer;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.waitingroom.api.api.Tokens.as;
import static com.waitingroom.security.Roles.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operation of the service's own OpenAPI document (management interface) × no token, expired,
 * wrong issuer, wrong audience, bad signature, a role it does not list, no role, and each role it
 * lists, against the packaged application (JVM jar, or native with -Pnative): 401/403 problem+json
 * where expected, and each listed role reaches the operation. An operation the document leaves
 * without roles is a mismatch too.
 */
@QuarkusIntegrationTest
class AuthMatrixIT {

    private static final int OPERATIONS = 18;

    @Test
    void everyOperationAnswersEachKindOfTokenAsItsDocumentedRolesSay() throws Exception {
        // a queue and a patient that exist, so an allowed request reaches the operation itself
        String queueId = "matrix-" + UUID.randomUUID().toString().substring(0, 8);
        as(ADMIN).contentType(ContentType.JSON)
                .body("{\"patientId\":\"P1\",\"patientName\":\"Ana\",\"priority\":\"Low\",\"consultationType\":\"General\"}")
                .post("/api/waiting-rooms/" + queueId + "/check-ins").then().statusCode(201);
        URI document = ManagementInterface.uri("/q/openapi?format=json");

        AuthMatrix.Result result = new AuthMatrix(LocalIssuer.shared(), parameter -> switch (parameter) {
            case "queueId" -> queueId;
            case "patientId" -> "P1";
            case "roomId" -> "R1";
            default -> throw new IllegalArgumentException("no value for path parameter " + parameter);
        }).run(document, URI.create("http://127.0.0.1:" + RestAssured.port + "/"));

        System.out.println(result.summary("api-service"));
        result.mismatches().forEach(mismatch -> System.out.println("  mismatch: " + mismatch));
        assertEquals(List.of(), result.mismatches(), result.summary("api-service"));

        Set<String> documented = operationsOf(RestAssured.given().port(ManagementInterface.port())
                .get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        Set<String> covered = result.cases().stream().map(c -> c.method() + " " + c.path())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(documented, covered, "the matrix covered every operation of the document");
        assertEquals(documented.size(), result.operations());
        assertTrue(result.operations() >= OPERATIONS, "operations in the document: " + documented);
    }

    private static Set<String> operationsOf(String openApiJson) throws Exception {
        JsonNode paths = new ObjectMapper().readTree(openApiJson).path("paths");
        Set<String> operations = new TreeSet<>();
        paths.fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (Set.of("get", "post", "put", "patch", "delete", "head", "options").contains(method)) {
                operations.add(method.toUpperCase() + " " + path.getKey());
            }
        }));
        return operations;
    }
}
