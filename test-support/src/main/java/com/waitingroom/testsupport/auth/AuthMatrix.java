package com.waitingroom.testsupport.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.waitingroom.testsupport.http.Http11Client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The access-control matrix of one service, generated from its OpenAPI document: every operation ×
 * {no token, expired, wrong issuer, wrong audience, bad signature, each role it does not list, no
 * role, each role it lists}.
 * The roles of an operation are the scopes of its {@code security} requirement (from
 * {@code @RolesAllowed}, or the static document), so the document and the running service are
 * checked against each other: an operation the document leaves open is itself a mismatch, unless it
 * declares {@code security: []} (public on purpose), which must then answer without a token.
 *
 * <p>Expected: 401 problem+json for the five bad tokens, 403 problem+json for a role that is not
 * listed, and for each listed role neither 401 nor 403 nor a 5xx: the request reaches the operation,
 * which may answer 2xx, or 400/404/409/422 for the generic input the matrix sends (the tests give
 * path parameters of a queue and patient that exist, so many answer 2xx).
 */
public final class AuthMatrix {

    /** Roles a token can carry in this suite; a "wrong role" is one of these not allowed. */
    public static final List<String> SUITE_ROLES = List.of(
            "receptionist", "cashier", "doctor", "viewer", "admin", "log-writer", "log-reader");

    public record Case(String method, String path, String variant, int status, String contentType, String expected) {
        boolean matches() {
            boolean problem = contentType != null && contentType.startsWith("application/problem+json");
            return switch (expected) {
                case "401" -> status == 401 && problem;
                case "403" -> status == 403 && problem;
                // let through: the operation answers, and generic input is never a server error
                default -> status != 401 && status != 403 && status > 0 && status < 500;
            };
        }

        @Override
        public String toString() {
            return method + " " + path + " [" + variant + "] → " + status + " (" + contentType + "), expected " + expected;
        }
    }

    public record Result(int operations, List<Case> cases, List<Case> mismatches) {
        public String summary(String service) {
            long allowed = cases.stream().filter(c -> c.expected().equals("authorized")).count();
            long answered2xx = cases.stream()
                    .filter(c -> c.expected().equals("authorized") && c.status() >= 200 && c.status() < 300).count();
            return "auth matrix " + service + ": " + operations + " operations, " + cases.size() + " cases ("
                    + allowed + " with an allowed role, " + answered2xx + " of them 2xx), "
                    + mismatches.size() + " mismatches";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private final HttpClient http = Http11Client.create(Duration.ofSeconds(5));
    private final LocalIssuer issuer;
    private final Function<String, String> pathParameterValues;

    /**
     * @param pathParameterValues a value for each path parameter name (e.g. queueId → a queue the
     *                            test created), so allowed requests can reach the operation
     */
    public AuthMatrix(LocalIssuer issuer, Function<String, String> pathParameterValues) {
        this.issuer = issuer;
        this.pathParameterValues = pathParameterValues;
    }

    /** Reads the OpenAPI document (JSON) and runs every case against {@code baseUrl}. */
    public Result run(URI openApiDocument, URI baseUrl) throws IOException, InterruptedException {
        JsonNode document = JSON.readTree(send(HttpRequest.newBuilder(openApiDocument)
                .header("Accept", "application/json").GET().build()).body());
        List<Case> cases = new ArrayList<>();
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            var path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                var op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                operations++;
                cases.addAll(runOperation(baseUrl, op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue()));
            }
        }
        List<Case> mismatches = cases.stream().filter(c -> !c.matches()).toList();
        return new Result(operations, cases, mismatches);
    }

    private List<Case> runOperation(URI baseUrl, String method, String template, JsonNode operation)
            throws IOException, InterruptedException {
        Set<String> allowed = rolesOf(operation);
        String path = concrete(template);
        boolean hasBody = operation.has("requestBody");
        List<Case> cases = new ArrayList<>();
        if (allowed.isEmpty() && operation.has("security") && operation.get("security").isEmpty()) {
            // Declared public on purpose (security: [], e.g. a page that holds no data): it answers without a token.
            cases.add(call(baseUrl, method, template, path, hasBody, "declared public, no token", null, "authorized"));
            return cases;
        }
        if (allowed.isEmpty()) {
            // The document declares no roles: the operation is open, which this suite forbids.
            cases.add(new Case(method, template, "document declares no security requirement", -1, null, "401"));
            return cases;
        }
        Map<String, String> badTokens = new java.util.LinkedHashMap<>();
        badTokens.put("no token", null);
        badTokens.put("expired", issuer.token().subject("matrix").roles("admin").expired().bearer());
        badTokens.put("wrong issuer", issuer.token().subject("matrix").roles("admin").issuer("https://other-issuer.invalid").bearer());
        badTokens.put("wrong audience", issuer.token().subject("matrix").roles("admin").audience("another-service").bearer());
        badTokens.put("bad signature", issuer.token().subject("matrix").roles("admin").badSignature().bearer());
        for (var bad : badTokens.entrySet()) {
            cases.add(call(baseUrl, method, template, path, hasBody, bad.getKey(), bad.getValue(), "401"));
        }
        for (String wrongRole : SUITE_ROLES.stream().filter(r -> !allowed.contains(r)).toList()) {
            cases.add(call(baseUrl, method, template, path, hasBody, "wrong role " + wrongRole,
                    issuer.bearer(wrongRole), "403"));
        }
        cases.add(call(baseUrl, method, template, path, hasBody, "no role",
                issuer.token().subject("matrix").bearer(), "403"));
        for (String role : allowed) {
            cases.add(call(baseUrl, method, template, path, hasBody, "role " + role, issuer.bearer(role), "authorized"));
        }
        return cases;
    }

    private Case call(URI baseUrl, String method, String template, String path, boolean hasBody, String variant,
                      String authorization, String expected) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (hasBody) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}"));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = send(request.build());
        return new Case(method, template, variant, response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), expected);
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String concrete(String template) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                out.append(template, i, template.length());
                break;
            }
            int close = template.indexOf('}', open);
            out.append(template, i, open).append(pathParameterValues.apply(template.substring(open + 1, close)));
            i = close + 1;
        }
        return out.toString().startsWith("/") ? out.substring(1) : out.toString();
    }

    /** The scopes of the operation's security requirements (the roles allowed). */
    static Set<String> rolesOf(JsonNode operation) {
        Set<String> roles = new LinkedHashSet<>();
        for (JsonNode requirement : operation.path("security")) {
            requirement.fields().forEachRemaining(scheme -> scheme.getValue().forEach(role -> roles.add(role.asText())));
        }
        return roles;
    }
}
