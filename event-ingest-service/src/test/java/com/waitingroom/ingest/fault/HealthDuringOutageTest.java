package com.waitingroom.ingest.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;
import com.waitingroom.testsupport.TestPorts;
import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.OutageProbeRun;
import com.waitingroom.testsupport.TcpProxy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 19: every health endpoint answers within 200 ms in every state, also while PostgreSQL
 * refuses connections or does not answer (Kubernetes' probe timeout is 1 s: a probe waiting on a
 * dead database reads as a timeout, not as 503); readiness goes DOWN within a few seconds and UP
 * again after.
 */
@QuarkusTest
@QuarkusTestResource(value = HealthDuringOutageTest.FlakyPostgres.class, restrictToAnnotatedClass = true)
class HealthDuringOutageTest {

    /** service -> TcpProxy (refuses when cut, hangs when stalled) -> PostgreSQL. */
    public static class FlakyPostgres implements QuarkusTestResourceLifecycleManager {

        static volatile TcpProxy proxy;

        @Override
        public Map<String, String> start() {
            try {
                proxy = TcpProxy.start(LocalInfra.pgHost(), LocalInfra.pgPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String hostPort = "127.0.0.1:" + proxy.port() + "/" + TestDb.DATABASE;
            return Map.of("quarkus.datasource.reactive.url", "postgresql://" + hostPort,
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort);
        }

        @Override
        public void stop() {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    @Test
    void everyProbeAnswersQuicklyWhilePostgresqlRefusesConnections() throws Exception {
        answersQuicklyThroughAnOutage(FlakyPostgres.proxy::cut, FlakyPostgres.proxy::restore);
    }

    @Test
    void everyProbeAnswersQuicklyWhilePostgresqlDoesNotAnswer() throws Exception {
        answersQuicklyThroughAnOutage(FlakyPostgres.proxy::stall, FlakyPostgres.proxy::resume);
    }

    private static void answersQuicklyThroughAnOutage(Runnable beginOutage, Runnable endOutage) throws Exception {
        // the probes go to the management interface, as a kubelet's do
        OutageProbeRun.assertAnswersQuicklyThroughAnOutage(TestPorts.management(), beginOutage, endOutage, "postgresql");
    }
}
