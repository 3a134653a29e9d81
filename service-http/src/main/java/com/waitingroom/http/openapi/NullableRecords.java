package com.waitingroom.http.openapi;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * For the services' build-time OpenAPI filters: the JSON they write carries absent values as null, so each
 * reference-typed component of a response record is documented as nullable (the contract test holds the
 * document to what is really sent).
 */
public final class NullableRecords {

    private NullableRecords() {
    }

    /** Every non-primitive component of each record's schema (by simple name) becomes nullable. */
    public static void allowNull(Map<String, Schema> schemas, Class<?>... records) {
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
    public static void makeNullable(Schema owner, String name) {
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
}
