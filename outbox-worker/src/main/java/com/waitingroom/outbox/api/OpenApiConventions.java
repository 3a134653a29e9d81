package com.waitingroom.outbox.api;

import com.waitingroom.http.CorrelationIds;
import static com.waitingroom.http.openapi.NullableRecords.allowNull;

import com.waitingroom.outbox.store.OutboxAdminStore;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;


/**
 * Adds to every operation of the document the answers each one gives by convention, so they are written
 * once (the schemas and shared responses are in {@code META-INF/openapi.yaml}): 401, 403, 406, 503 and the
 * X-Correlation-Id header on every answer. Operation-specific answers (400, 404, 409) are annotations on
 * {@link OutboxAdminResource}. Runs at build time ({@code mp.openapi.filter}).
 */
public class OpenApiConventions implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        allowNull(openAPI.getComponents().getSchemas(), OutboxAdminResource.RowPage.class,
                OutboxAdminStore.RowView.class);
        for (PathItem path : openAPI.getPaths().getPathItems().values()) {
            path.getOperations().values().forEach(operation -> apply(operation.getResponses()));
        }
    }



    private static void apply(APIResponses responses) {
        responses.getAPIResponses().values().forEach(response -> {
            if (response.getRef() == null) {
                response.addHeader(CorrelationIds.HEADER,
                        OASFactory.createHeader().ref("#/components/headers/CorrelationId"));
            }
        });
        responses.addAPIResponse("401", OASFactory.createAPIResponse().ref("#/components/responses/Unauthorized"));
        responses.addAPIResponse("403", OASFactory.createAPIResponse().ref("#/components/responses/Forbidden"));
        responses.addAPIResponse("406", OASFactory.createAPIResponse().ref("#/components/responses/NotAcceptable"));
        responses.addAPIResponse("503",
                OASFactory.createAPIResponse().ref("#/components/responses/ServiceUnavailable"));
    }
}
