package com.waitingroom.ingest.fault;

import static com.waitingroom.testsupport.Waits.awaitTrue;
import static com.waitingroom.testsupport.Waits.waitUpTo;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.waitingroom.ingest.TestDb;
import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.PackagedService;
import com.waitingroom.testsupport.auth.LocalIssuer;
import com.waitingroom.testsupport.http.Http11Client;

/**
 * SIGTERM under load against the packaged service running as its own process. The commits are
 * held back (a test transaction locks the events table) so that every steady client is waiting for
 * its commit when the signal arrives; late clients start sending after it and stop when the lock is
 * released (a load balancer has removed the instance by then), while the steady clients go on
 * sending, honouring Retry-After, until the listener is gone. Contract: every request sent while the
 * listener was open gets an answer, never a reset: the waiting ones 201 once committed, new ones 503
 * + Retry-After (problem+json); every acknowledged event is stored exactly once; readiness is DOWN
 * while draining. A refused connection after the listener closed is expected.
 */
class SigtermDrainIT {

    private static final int STEADY_CLIENTS = 24;
    private static final int LATE_CLIENTS = 4;

    private final String service = "sigterm-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void everyRequestSentBeforeTheListenerClosedIsAnswered() throws Exception {
        HttpClient probe = Http11Client.create(Duration.ofSeconds(2));
        PackagedService app = PackagedService.startReady("512m", "sigterm-drain-it.log");
        // health and metrics: the management interface
        int managementPort = app.managementPort();
        URI events = app.uri("/events");
        String writer = LocalIssuer.shared().bearer(Roles.LOG_WRITER);
        ShutdownClients clients = new ShutdownClients(events, service, STEADY_CLIENTS, writer);
        ShutdownClients late = new ShutdownClients(events, service + "-late", LATE_CLIENTS, writer);
        List<Integer> readinessWhileDraining = new ArrayList<>();
        try {
            clients.start();
            awaitTrue(Duration.ofSeconds(30), () -> clients.acknowledged.size() > 0, "the service acknowledges events under load");

            try (Connection blocker = LocalInfra.connect(TestDb.DATABASE)) {
                blocker.setAutoCommit(false);
                try (Statement lock = blocker.createStatement()) {
                    // SHARE conflicts with the inserts' ROW EXCLUSIVE lock (on every partition) but not with reads
                    lock.execute("LOCK TABLE ingest_events IN SHARE MODE");
                }
                awaitTrue(Duration.ofSeconds(30), () -> queueDepth(probe, managementPort) > 0, "requests wait for their commit");

                app.sigterm();
                clients.sigtermSent();
                late.sigtermSent();
                // late clients are new traffic: they start once the service has seen the signal (without
                // the drain that line never comes, the checks below then report what happened instead)
                waitUpTo(Duration.ofSeconds(10), () -> app.logContains("Shutdown: taking no new events"));
                late.start();
                // not an assertion: without the drain nobody gets a 503, which the checks below report
                waitUpTo(Duration.ofSeconds(5), () -> late.shuttingDown.get() >= LATE_CLIENTS || !app.isAlive());
                readinessWhileDraining.add(status(probe, managementPort, "/q/health/ready"));
                late.stopSending();
                blocker.commit(); // the waiting requests' events can be committed now
            }
            assertTrue(app.awaitExit(Duration.ofSeconds(60)), "the service exits after draining");
            assertTrue(clients.awaitEnd(Duration.ofSeconds(90)) && late.awaitEnd(Duration.ofSeconds(90)),
                    "every client got its last answer");
        } finally {
            clients.stopSending();
            late.stopSending();
            app.close();
        }

        String output = app.log();
        List<String> failures = new ArrayList<>(clients.failures);
        failures.addAll(late.failures);
        List<String> acknowledged = new ArrayList<>(clients.acknowledged);
        acknowledged.addAll(late.acknowledged);
        List<String> stored = TestDb.storedIds(acknowledged);
        System.out.printf("SIGTERM drain: %d events acknowledged, 201s after SIGTERM %d, 503 SHUTTING_DOWN %d (late clients %d),"
                + " refused after close %d, without answer %d%n", acknowledged.size(), clients.createdAfterSigterm.get(),
                clients.shuttingDown.get() + late.shuttingDown.get(), late.shuttingDown.get(),
                clients.refused.get() + late.refused.get(), failures.size());
        assertAll(
                () -> assertEquals(List.of(), failures, "requests without a proper answer; service log:\n" + PackagedService.tail(output)),
                () -> assertEquals(0, late.createdAfterSigterm.get(), "requests sent after SIGTERM were taken"),
                () -> assertTrue(late.shuttingDown.get() >= LATE_CLIENTS,
                        "new requests after SIGTERM got " + late.shuttingDown.get() + " answers 503 SHUTTING_DOWN"),
                () -> assertTrue(clients.createdAfterSigterm.get() > 0,
                        "no request waiting for its commit at SIGTERM got its 201 afterwards"),
                () -> assertEquals(List.of(503), readinessWhileDraining, "readiness while draining"),
                () -> assertEquals(acknowledged.size(), stored.size(),
                        "acknowledged " + acknowledged.size() + " events, stored " + stored.size()),
                () -> assertEquals(TestDb.countForService(service), TestDb.distinctIdsForService(service), "stored twice"),
                () -> assertEquals(TestDb.countForService(service + "-late"), TestDb.distinctIdsForService(service + "-late"),
                        "stored twice"),
                () -> assertTrue(output.contains("every accepted event is committed"), "drain log line missing:\n" + PackagedService.tail(output)));
    }

    private static long queueDepth(HttpClient http, int port) {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(line -> line.startsWith("ingest_queue_depth"))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst().orElse(0);
        } catch (Exception e) {
            return 0;
        }
    }

    private static int status(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
