package com.waitingroom.projection.health;

import io.smallrye.health.api.HealthContentFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;

/** Turns the parked-queue check's list (JSON text, see {@link ParkedQueuesHealth}) into a JSON array. */
@ApplicationScoped
public class ParkedQueuesAsJsonArray implements HealthContentFilter {

    @Override
    public JsonObject filter(JsonObject payload) {
        if (!(payload.get("checks") instanceof jakarta.json.JsonArray checks)) {
            return payload;
        }
        JsonArrayBuilder rewritten = Json.createArrayBuilder();
        for (JsonValue check : checks) {
            rewritten.add(rewrite(check));
        }
        return Json.createObjectBuilder(payload).add("checks", rewritten).build();
    }

    private static JsonValue rewrite(JsonValue check) {
        if (!(check instanceof JsonObject object) || !ParkedQueuesHealth.NAME.equals(object.getString("name", null))
                || !(object.get("data") instanceof JsonObject data)
                || !(data.get(ParkedQueuesHealth.LIST) instanceof JsonString text)) {
            return check;
        }
        try (JsonReader reader = Json.createReader(new StringReader(text.getString()))) {
            JsonObjectBuilder newData = Json.createObjectBuilder(data).add(ParkedQueuesHealth.LIST, reader.readArray());
            return Json.createObjectBuilder(object).add("data", newData).build();
        }
    }
}
