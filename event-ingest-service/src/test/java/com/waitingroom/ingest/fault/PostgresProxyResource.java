package com.waitingroom.ingest.fault;

import java.time.Duration;
import java.util.Map;

import com.waitingroom.ingest.TestDb;
import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.TcpProxy;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Puts a {@link TcpProxy} between the service and the shared PostgreSQL so a test can cut it. */
public class PostgresProxyResource implements QuarkusTestResourceLifecycleManager {

    static volatile TcpProxy proxy;

    /** The writer's ack timeout under this resource: the latest a request caught in the outage is answered. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(4);

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
                // 503 NOT_YET_DURABLE after ACK_TIMEOUT so their clients come back during the outage
                "ingest.writer.breaker-max-open", "PT1S",
                "ingest.writer.ack-timeout", ACK_TIMEOUT.toString());
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }
}
