package com.waitingroom.outbox.api;

import com.waitingroom.outbox.store.OutboxAdminStore;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

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

    /**
     * The admin API writes absent values as null (e.g. lastError of a row never failed, nextAfterId of
     * the last page): each reference-typed field of these records is documented as nullable.
     */
    private static void allowNull(Map<String, Schema> schemas, Class<?>... records) {
        for (Class<?> record : records) {
            Schema schema = schemas.get(record.getSimpleName());
            if (schema == null || schema.getProperties() == null) {
                continue;
            }
            for (RecordComponent component : record.getRecordComponents()) {
                if (!component.getType().isPrimitive()) {
                    makeNullable(schema, component.getName());
                }
            }
        }
    }

    /** Makes a property nullable: null added to its type, or for a reference "anyOf: [the reference, null]". */
    static void makeNullable(Schema owner, String name) {
        Schema property = owner.getProperties().get(name);
        if (property == null) {
            return;
        }
        if (property.getRef() != null) {
            owner.addProperty(name, OASFactory.createSchema().anyOf(List.of(
                    OASFactory.createSchema().ref(property.getRef()),
                    OASFactory.createSchema().addType(Schema.SchemaType.NULL))));
        } else if (property.getType() != null && !property.getType().contains(Schema.SchemaType.NULL)) {
            property.addType(Schema.SchemaType.NULL);
        }
    }

    private static void apply(APIResponses responses) {
        responses.getAPIResponses().values().forEach(response -> {
            if (response.getRef() == null) {
                response.addHeader(CorrelationIdFilter.HEADER,
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
