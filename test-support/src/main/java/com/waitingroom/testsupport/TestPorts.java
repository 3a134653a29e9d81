package com.waitingroom.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Free ports for a service under test: its public server and its management interface (health,
 * metrics, OpenAPI), the same in a {@code @QuarkusTest} (the test-port settings) and in the packaged
 * app of a {@code @QuarkusIntegrationTest} (the port settings, which the launcher passes after its own
 * {@code -Dquarkus.http.port}, so they win). Register {@link Resource} once per module;
 * {@link #management()} tells a test where the management interface listens (the integration-test
 * launcher does not report it).
 *
 * <p>Both ports are fixed on purpose: Quarkus' Micrometer binder tags the HTTP server meters with
 * {@code server.port} only for a port above 0, so a random (0) public port beside a fixed management
 * port registers the same meter with two tag sets, which the Prometheus registry refuses, and the
 * app does not start.
 */
public final class TestPorts {

    /** JVM-wide: the resource and the test may see this class through different class loaders. */
    private static final String MANAGEMENT_PORT = "waiting-room.test.management-port";

    private TestPorts() {
    }

    /** The management interface's port of the service under test. */
    public static int management() {
        String port = System.getProperty(MANAGEMENT_PORT);
        if (port == null) {
            throw new IllegalStateException("no management port: register TestPorts.Resource for this module's tests");
        }
        return Integer.parseInt(port);
    }

    public static final class Resource implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            String http = freePort();
            String management = freePort();
            System.setProperty(MANAGEMENT_PORT, management);
            return Map.of("quarkus.http.test-port", http, "quarkus.http.port", http,
                    "quarkus.management.test-port", management, "quarkus.management.port", management);
        }

        @Override
        public void stop() {
            // nothing held
        }

        private static String freePort() {
            return String.valueOf(FreePorts.next());
        }
    }
}
