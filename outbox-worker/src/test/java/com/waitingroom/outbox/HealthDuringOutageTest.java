package com.waitingroom.outbox;

import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.OutageProbeRun;
import com.waitingroom.testsupport.TcpProxy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Issue 19: every health endpoint answers within 200 ms in every state, also while PostgreSQL
 * refuses connections or does not answer, or RabbitMQ refuses connections (Kubernetes' probe
 * timeout is 1 s: a probe waiting on a dead dependency reads as a timeout, not as 503); readiness
 * goes DOWN within a few seconds and UP again after.
 */
@QuarkusTest
@QuarkusTestResource(value = HealthDuringOutageTest.FlakyPostgres.class, restrictToAnnotatedClass = true)
class HealthDuringOutageTest {

    /**
     * service -> TcpProxy (refuses when cut, hangs when stalled) -> the suite's database; ordered
     * after OutboxTestInfra, whose URL it replaces.
     */
    public static class FlakyPostgres implements QuarkusTestResourceLifecycleManager {

        static volatile TcpProxy proxy;

        @Override
        public Map<String, String> start() {
            try {
                proxy = TcpProxy.start(LocalInfra.pgHost(), LocalInfra.pgPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("quarkus.datasource.jdbc.url",
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + OutboxTestInfra.DATABASE);
        }

        @Override
        public void stop() {
            if (proxy != null) {
                proxy.close();
            }
        }

        @Override
        public int order() {
            return 100;
        }
    }

    @Test
    void everyProbeAnswersQuicklyWhilePostgresqlRefusesConnections() throws Exception {
        answersQuicklyThroughAnOutage(FlakyPostgres.proxy::cut, FlakyPostgres.proxy::restore, "outbox-postgresql");
    }

    @Test
    void everyProbeAnswersQuicklyWhilePostgresqlDoesNotAnswer() throws Exception {
        answersQuicklyThroughAnOutage(FlakyPostgres.proxy::stall, FlakyPostgres.proxy::resume, "outbox-postgresql");
    }

    @Test
    void everyProbeAnswersQuicklyWhileRabbitmqRefusesConnections() throws Exception {
        TcpProxy broker = OutboxTestInfra.rabbitProxy();
        answersQuicklyThroughAnOutage(broker::cut, broker::restore, "outbox-rabbitmq");
    }

    private static void answersQuicklyThroughAnOutage(Runnable beginOutage, Runnable endOutage, String checkName)
            throws Exception {
        OutageProbeRun.assertAnswersQuicklyThroughAnOutage(OutboxTestInfra.managementPort(), beginOutage, endOutage, checkName);
    }
}
