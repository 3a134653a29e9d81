package com.waitingroom.testsupport.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.Response;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import com.waitingroom.testsupport.TestPorts;
import com.waitingroom.testsupport.http.Http11Client;
import io.restassured.RestAssured;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The service's OpenAPI document as a contract its tests cannot drift from: a REST Assured filter
 * that checks every exchange against the document the service serves, and fails the test on a
 * mismatch.
 * <ul>
 * <li>Every response: its status must be documented for the operation, with its media type, body
 *     schema and documented headers.</li>
 * <li>A request the service accepted (status below 400): its parameters, headers and body must be
 *     valid by the document too (a document stricter than the service fails here). A refused request
 *     was usually bad on purpose (the tests send bad input), so only its operation must exist.</li>
 * <li>Requests to the management interface ({@code /q/...}: health, metrics, the document itself) are
 *     not part of the API and are not checked; neither are 401/403/404/405 answers to undocumented routes.</li>
 * </ul>
 * The document is fetched once per URL, on the first exchange checked (the service is up by then).
 */
public final class OpenApiContract {

    /** Larger accepted request bodies (load batches) are not schema-checked: the validator is slow on them. */
    static final int MAX_CHECKED_REQUEST_CHARS = 64 * 1024;
    private static final Map<URI, OpenApiInteractionValidator> VALIDATORS = new ConcurrentHashMap<>();
    /** Per class loader (a {@code @QuarkusTest} runs its tests in the app's own class loader). */
    private static volatile boolean installed;

    private OpenApiContract() {
    }

    /** Installs {@link #filter} for every REST Assured request of this class loader, once, against the
     *  document of the service under test ({@code /q/openapi} on its management port, {@link TestPorts}). */
    public static synchronized void installForServiceUnderTest() {
        if (!installed) {
            RestAssured.filters(filter(() -> URI.create(
                    "http://127.0.0.1:" + TestPorts.management() + "/q/openapi?format=json")));
            installed = true;
        }
    }

    /** A filter checking each exchange against the document at {@code documentUrl} (asked per exchange). */
    public static OrderedFilter filter(Supplier<URI> documentUrl) {
        return new ContractFilter(documentUrl);
    }

    /** The messages that break the contract for one exchange; empty when it conforms. */
    static List<ValidationReport.Message> violations(OpenApiInteractionValidator validator, Request request,
                                                     Response response) {
        int status = response.getStatus();
        // A refused request's body is not checked (see counts): only its route and the response are, and a
        // huge refused body (the 413 tests) is never parsed. Accepted bodies above the cap are not either.
        boolean checkRequest = status < 400 && request.getBody().map(String::length)
                .orElse(0) <= MAX_CHECKED_REQUEST_CHARS;
        ValidationReport report = checkRequest ? validator.validate(request, response)
                : validator.validateResponse(request.getPath(), request.getMethod(), response);
        // Bodies the validator cannot read (gzip-encoded, protobuf, snappy) are checked by route, status and
        // media type only; their decoding is the service's own tests' business.
        boolean requestBodyReadable = request.getHeaderValue("Content-Encoding").isEmpty()
                && request.getContentType().map(OpenApiContract::isJson).orElse(true);
        boolean responseBodyReadable = response.getContentType().map(OpenApiContract::isJson).orElse(true);
        return report.getMessages().stream()
                .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .filter(message -> counts(message.getKey(), status))
                .filter(message -> requestBodyReadable || !message.getKey().startsWith("validation.request.body"))
                .filter(message -> responseBodyReadable || !message.getKey().startsWith("validation.response.body"))
                .toList();
    }

    private static boolean isJson(String mediaType) {
        String type = mediaType.toLowerCase(java.util.Locale.ROOT);
        return type.startsWith("application/json") || type.contains("+json");
    }

    private static boolean counts(String key, int status) {
        boolean routing = key.equals("validation.request.path.missing")
                || key.equals("validation.request.operation.notAllowed");
        if (routing) {
            // An undocumented route may only be answered "no such route" (JAX-RS/Vert.x routing), or 401/403:
            // the public port's path permissions refuse a request before any routing.
            return status != 401 && status != 403 && status != 404 && status != 405;
        }
        if (key.startsWith("validation.request.")) {
            return status < 400;
        }
        return true;
    }

    private static OpenApiInteractionValidator validator(URI documentUrl) {
        return VALIDATORS.computeIfAbsent(documentUrl, url -> validatorFor(fetch(url)));
    }

    /** A validator of the document (JSON; OpenAPI 3.0 or the 3.1 the services serve). */
    static OpenApiInteractionValidator validatorFor(String document) {
        return OpenApiInteractionValidator.createForInlineApiSpecification(OpenApi31Downgrade.toOpenApi30(document))
                .build();
    }

    private static String fetch(URI url) {
        try {
            HttpResponse<String> answer = Http11Client.create(Duration.ofSeconds(5))
                    .send(HttpRequest.newBuilder(url).header("Accept", "application/json")
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("OpenAPI document " + url + " answered " + answer.statusCode());
            }
            return answer.body();
        } catch (IOException e) {
            throw new IllegalStateException("OpenAPI document " + url + " unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted fetching " + url, e);
        }
    }

    private static final class ContractFilter implements OrderedFilter {

        private final Supplier<URI> documentUrl;

        ContractFilter(Supplier<URI> documentUrl) {
            this.documentUrl = documentUrl;
        }

        @Override
        public io.restassured.response.Response filter(FilterableRequestSpecification request,
                                                       FilterableResponseSpecification responseSpec,
                                                       FilterContext context) {
            io.restassured.response.Response response = context.next(request, responseSpec);
            String path = URI.create(request.getURI()).getPath();
            if (path.startsWith("/q/")) {
                return response;
            }
            List<ValidationReport.Message> violations = violations(validator(documentUrl.get()),
                    RestAssuredRequest.of(request), RestAssuredResponse.of(response));
            if (!violations.isEmpty()) {
                throw new AssertionError("OpenAPI contract broken by " + request.getMethod() + " " + path
                        + " -> " + response.getStatusCode() + " " + response.getContentType() + ":\n"
                        + violations.stream().map(m -> "  [" + m.getKey() + "] " + m.getMessage()
                                + m.getContext().map(c -> " (" + c.getRequestPath().orElse("") + ")").orElse(""))
                        .collect(Collectors.joining("\n")));
            }
            return response;
        }

        @Override
        public int getOrder() {
            // Outermost: sees the request as sent and the response as received.
            return OrderedFilter.HIGHEST_PRECEDENCE;
        }
    }
}
