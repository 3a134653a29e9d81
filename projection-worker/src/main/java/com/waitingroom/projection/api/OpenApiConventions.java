package com.waitingroom.projection.api;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.lang.reflect.RecordComponent;
import java.util.List;
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
            boolean view = path.getKey().startsWith(VIEWS);
            path.getValue().getOperations().values().forEach(operation -> apply(operation, view));
        }
    }

    /**
     * The API writes absent values as null (e.g. the percentiles of an empty window, lastError when none):
     * each reference-typed field of the response records is documented as nullable.
     */
    private static void allowNull(Map<String, Schema> schemas, Class<?> record) {
        Schema schema = schemas.get(record.getSimpleName());
        if (schema == null || schema.getProperties() == null) {
            return;
        }
        for (RecordComponent component : record.getRecordComponents()) {
            if (!component.getType().isPrimitive()) {
                makeNullable(schema, component.getName());
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

    private static void apply(Operation operation, boolean view) {
        APIResponses responses = operation.getResponses();
        responses.getAPIResponses().forEach((status, response) -> {
            if (response.getRef() != null) {
                return;
            }
            response.addHeader(CorrelationIdFilter.HEADER, header("CorrelationId"));
            if (view && status.equals("200")) {
                response.addHeader("ETag", header("ETag"));
                response.addHeader("Cache-Control", header("CacheControl"));
            }
        });
        if (view) {
            responses.addAPIResponse("304", shared("NotModified"));
        }
        responses.addAPIResponse("401", shared("Unauthorized"));
        responses.addAPIResponse("403", shared("Forbidden"));
        responses.addAPIResponse("406", shared("NotAcceptable"));
    }

    private static org.eclipse.microprofile.openapi.models.responses.APIResponse shared(String name) {
        return OASFactory.createAPIResponse().ref("#/components/responses/" + name);
    }

    private static org.eclipse.microprofile.openapi.models.headers.Header header(String name) {
        return OASFactory.createHeader().ref("#/components/headers/" + name);
    }
}
