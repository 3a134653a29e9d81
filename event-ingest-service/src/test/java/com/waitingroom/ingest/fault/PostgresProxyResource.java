package com.waitingroom.ingest.fault;

import java.util.Map;

import com.waitingroom.ingest.TestDb;
import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.TcpProxy;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Puts a {@link TcpProxy} between the service and the shared PostgreSQL so a test can cut it. */
public class PostgresProxyResource implements QuarkusTestResourceLifecycleManager {

    static volatile TcpProxy proxy;

    @Override
    public Map<String, String> start() {
        try {
            proxy = TcpProxy.start(LocalInfra.pgHost(), LocalInfra.pgPort());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the PostgreSQL proxy", e);
        }
        String hostPort = "127.0.0.1:" + proxy.port() + "/" + TestDb.DATABASE;
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + hostPort,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort,
                // recover quickly once the proxy is restored; requests caught in the failed flush get
                // 503 NOT_YET_DURABLE after 4 s so their clients come back during the outage
                "ingest.writer.breaker-max-open", "PT1S",
                "ingest.writer.ack-timeout", "PT4S");
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }
}
