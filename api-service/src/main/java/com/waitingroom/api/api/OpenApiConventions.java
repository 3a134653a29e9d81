package com.waitingroom.api.api;

import com.waitingroom.http.CorrelationIds;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.Map;

/**
 * Adds to every operation of the document the answers this service gives by convention, so they are
 * written once (the schemas and shared responses are in {@code META-INF/openapi.yaml}):
 * 400/401/403/406/503 everywhere; 404 wherever a queue is named, except check-in (it creates the
 * queue); 409 and 422 for every command (an operation taking Idempotency-Key); the X-Correlation-Id
 * header on every answer; ETag and Idempotency-Replayed on a command's success, Location on its 201.
 * Runs at build time ({@code mp.openapi.filter}), so it costs nothing at run time or in the native image.
 */
public class OpenApiConventions implements OASFilter {

    private static final String RESPONSES = "#/components/responses/";
    private static final String HEADERS = "#/components/headers/";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        allowNullRequestFields(openAPI.getComponents().getSchemas());
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            path.getValue().getOperations().forEach((method, operation) -> apply(path.getKey(), method, operation));
        }
    }

    private static void apply(String path, PathItem.HttpMethod method, Operation operation) {
        APIResponses responses = operation.getResponses();
        boolean command = operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(p -> CommandHeaders.IDEMPOTENCY_KEY.equals(p.getName()));
        if (command) {
            responses.getAPIResponses().forEach((status, response) -> {
                if (status.startsWith("2")) {
                    response.addHeader("ETag", ref("ETag"));
                    response.addHeader(CommandHeaders.IDEMPOTENCY_REPLAYED, ref("IdempotencyReplayed"));
                }
                if (status.equals("201")) {
                    response.addHeader("Location", ref("Location"));
                }
            });
        }
        responses.getAPIResponses().values().forEach(response -> {
            if (response.getRef() == null) {
                response.addHeader(CorrelationIds.HEADER, ref("CorrelationId"));
            }
        });
        responses.addAPIResponse("400", shared("BadRequest"));
        responses.addAPIResponse("401", shared("Unauthorized"));
        responses.addAPIResponse("403", shared("Forbidden"));
        boolean createsQueue = method == PathItem.HttpMethod.POST && path.endsWith("/check-ins");
        if (path.contains("{queueId}") && !createsQueue) {
            responses.addAPIResponse("404", shared("NotFound"));
        }
        responses.addAPIResponse("406", shared("NotAcceptable"));
        if (command) {
            responses.addAPIResponse("409", shared("Conflict"));
            responses.addAPIResponse("413", shared("PayloadTooLarge"));
            responses.addAPIResponse("415", shared("UnsupportedMediaType"));
            responses.addAPIResponse("422", shared("UnprocessableContent"));
        }
        responses.addAPIResponse("503", shared("ServiceUnavailable"));
    }

    /**
     * Every field of a command body is optional and may be sent as null (the input rules treat null as
     * absent; clients serialize absent fields that way), so each request schema's properties allow null.
     */
    private static void allowNullRequestFields(Map<String, Schema> schemas) {
        for (Class<?> request : Requests.class.getDeclaredClasses()) {
            Schema schema = schemas.get(request.getSimpleName());
            if (schema != null && schema.getProperties() != null) {
                schema.getProperties().values().forEach(property -> {
                    if (property.getType() != null && !property.getType().contains(Schema.SchemaType.NULL)) {
                        property.addType(Schema.SchemaType.NULL);
                    }
                });
            }
        }
    }

    private static APIResponse shared(String name) {
        return OASFactory.createAPIResponse().ref(RESPONSES + name);
    }

    private static org.eclipse.microprofile.openapi.models.headers.Header ref(String name) {
        return OASFactory.createHeader().ref(HEADERS + name);
    }
}
