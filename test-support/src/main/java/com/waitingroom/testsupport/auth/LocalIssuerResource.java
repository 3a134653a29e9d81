package com.waitingroom.testsupport.auth;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points a service under test ({@code @QuarkusTest} or the packaged app of a
 * {@code @QuarkusIntegrationTest}) at this JVM's {@link LocalIssuer}. Register it once per module,
 * e.g. {@code @QuarkusTestResource(value = LocalIssuerResource.class, restrictToAnnotatedClass = false)}.
 */
public class LocalIssuerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return LocalIssuer.shared().quarkusConfig();
    }

    @Override
    public void stop() {
        // The key pair lives as long as the JVM; the JWKS file is deleted on exit.
    }
}
