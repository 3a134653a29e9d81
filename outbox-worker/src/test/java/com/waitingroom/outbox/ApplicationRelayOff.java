package com.waitingroom.outbox;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Test profile: the application's relay stays off, so the relays (or claims) a test drives are the only ones. */
public class ApplicationRelayOff implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("outbox.relay-enabled", "false");
    }
}
