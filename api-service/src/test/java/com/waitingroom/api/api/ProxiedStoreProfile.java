package com.waitingroom.api.api;

import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.TcpProxy;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Test profile whose datasources (the reactive pool of the commands, JDBC for Flyway) reach
 * PostgreSQL through a {@link TcpProxy} the tests cut and restore to simulate outages, never
 * stopping the shared server. Tests of this profile share one proxy: each restores it before it ends.
 */
public class ProxiedStoreProfile implements QuarkusTestProfile {

    static TcpProxy proxy;

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ProxyResource.class));
    }

    public static class ProxyResource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                proxy = TcpProxy.start(LocalInfra.pgHost(), LocalInfra.pgPort());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            String server = "127.0.0.1:" + proxy.port() + "/" + TestDb.DATABASE;
            return Map.of("quarkus.datasource.reactive.url", "postgresql://" + server,
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + server);
        }

        @Override
        public void stop() {
            proxy.close();
        }
    }
}
