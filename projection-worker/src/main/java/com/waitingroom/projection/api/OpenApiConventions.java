package com.waitingroom.projection.api;

import com.waitingroom.http.CorrelationIds;
import static com.waitingroom.http.openapi.NullableRecords.allowNull;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.Map;

/**
 * Adds to every operation of the document the answers it gives by convention, so they are written once
 * (the schemas and shared responses are in {@code META-INF/openapi.yaml}): 401, 403, 406 and the
 * X-Correlation-Id header everywhere; on every view of a queue ({@link WaitingRoomResource}) the ETag and
 * Cache-Control headers of its 200 and the 304 answer to a matching If-None-Match. Operation-specific
 * answers are annotations on the resources. Runs at build time ({@code mp.openapi.filter}).
 */
public class OpenApiConventions implements OASFilter {

    private static final String VIEWS = "/api/waiting-rooms/";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        for (Class<?> owner : new Class<?>[] {Views.class, ProjectionAdminResource.class, LagResource.class}) {
            for (Class<?> type : owner.getDeclaredClasses()) {
                if (type.isRecord()) {
                    allowNull(openAPI.getComponents().getSchemas(), type);
                }
            }
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            // The screens' document and stream carry no ETag (they are pushed, not polled conditionally).
            boolean view = path.getKey().startsWith(VIEWS) && !path.getKey().endsWith("/display")
                    && !path.getKey().endsWith("/stream");
            path.getValue().getOperations().values().forEach(operation -> apply(operation, view));
        }
    }



    private static void apply(Operation operation, boolean view) {
        APIResponses responses = operation.getResponses();
        responses.getAPIResponses().forEach((status, response) -> {
            if (response.getRef() != null) {
                return;
            }
            response.addHeader(CorrelationIds.HEADER, header("CorrelationId"));
            if (view && status.equals("200")) {
                response.addHeader("ETag", header("ETag"));
                response.addHeader("Cache-Control", header("CacheControl"));
            }
        });
        if (view) {
            responses.addAPIResponse("304", shared("NotModified"));
        }
        boolean declaredPublic = operation.getSecurity() != null && operation.getSecurity().isEmpty();
        if (!declaredPublic) {
            responses.addAPIResponse("401", shared("Unauthorized"));
            responses.addAPIResponse("403", shared("Forbidden"));
        }
        responses.addAPIResponse("406", shared("NotAcceptable"));
    }

    private static org.eclipse.microprofile.openapi.models.responses.APIResponse shared(String name) {
        return OASFactory.createAPIResponse().ref("#/components/responses/" + name);
    }

    private static org.eclipse.microprofile.openapi.models.headers.Header header(String name) {
        return OASFactory.createHeader().ref("#/components/headers/" + name);
    }
}
