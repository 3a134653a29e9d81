package com.waitingroom.api.api;

import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.LocalInfra;
import com.waitingroom.testsupport.PackagedService;
import com.waitingroom.testsupport.http.Http11Client;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static com.waitingroom.testsupport.Waits.awaitTrue;
import static com.waitingroom.testsupport.Waits.waitUpTo;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM under load against the packaged service running as its own process. The appends are held
 * back (a test transaction locks the events table) so that every steady client has a check-in running
 * when the signal arrives; late clients start sending after it and stop when the lock is released (a
 * load balancer has removed the instance by then), while the steady clients go on, honouring
 * Retry-After, until the listener is gone. Contract: every request sent while the listener was open
 * gets an answer, never a reset: the running check-ins their 201 once committed, new requests (reads
 * too) 503 SHUTTING_DOWN + Retry-After (problem+json, Connection: close); every 201 is stored exactly
 * once and a 503 stored nothing; readiness (on the management interface) is DOWN while draining. A
 * refused connection after the listener closed is expected.
 */
class SigtermDrainIT {

    private static final int STEADY_CLIENTS = 16;
    private static final int LATE_CLIENTS = 4;

    private final String run = "sigterm-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void everyRequestSentBeforeTheListenerClosedIsAnswered() throws Exception {
        HttpClient probe = Http11Client.create(Duration.ofSeconds(2));
        PackagedService service = PackagedService.startReady("256m", "sigterm-drain-it.log");
        URI base = service.uri("");
        CheckInClients steady = new CheckInClients(base, run + "-s", STEADY_CLIENTS);
        CheckInClients late = new CheckInClients(base, run + "-l", LATE_CLIENTS);
        HttpResponse<String> readinessWhileDraining;
        HttpResponse<String> readWhileDraining;
        try {
            steady.start();
            awaitTrue(Duration.ofSeconds(30), () -> steady.acknowledged.size() >= 20, "the service acknowledges check-ins");

            try (Connection blocker = LocalInfra.connect(TestDb.DATABASE)) {
                blocker.setAutoCommit(false);
                try (Statement lock = blocker.createStatement()) {
                    // SHARE conflicts with the appends' ROW EXCLUSIVE lock but not with reads (loads, readiness)
                    lock.execute("LOCK TABLE events IN SHARE MODE");
                }
                awaitTrue(Duration.ofSeconds(30), () -> steady.inFlight.get() == STEADY_CLIENTS && appendsWaiting() > 0,
                        "every steady client has a check-in waiting for its commit");

                service.sigterm();
                steady.sigtermSent();
                late.sigtermSent();
                // late clients are new traffic: they start once the service has seen the signal (without the
                // gate that line never comes; the checks below then report what happened instead)
                waitUpTo(Duration.ofSeconds(3), () -> service.logContains("Shutdown: taking no new requests"));
                late.start();
                // not an assertion: without the gate nobody gets a 503, which the checks below report
                waitUpTo(Duration.ofSeconds(2), () -> late.shuttingDown.get() >= LATE_CLIENTS || !service.isAlive());
                readinessWhileDraining = get(probe, service.managementUri("/q/health/ready")).orElse(null);
                readWhileDraining = get(probe, base.resolve("/api/waiting-rooms/" + steady.queueOf(0, 0))).orElse(null);
                late.stopSending();
                blocker.commit(); // the waiting check-ins can be committed now
            }
            assertTrue(service.awaitExit(Duration.ofSeconds(60)), "the service exits after draining");
            assertTrue(steady.awaitEnd(Duration.ofSeconds(60)) && late.awaitEnd(Duration.ofSeconds(60)),
                    "every client got its last answer");
        } finally {
            steady.stopSending();
            late.stopSending();
            service.close();
        }

        String output = service.log();
        Map<String, Long> stored = storedCheckIns();
        System.out.printf("SIGTERM drain: %d check-ins acknowledged (%d after SIGTERM), 503 SHUTTING_DOWN %d (late clients %d),"
                        + " refused after close %d, without answer %d%n", steady.acknowledged.size() + late.acknowledged.size(),
                steady.createdAfterSigterm.get(), steady.shuttingDown.get() + late.shuttingDown.get(), late.shuttingDown.get(),
                steady.refused.get() + late.refused.get(), steady.failures.size() + late.failures.size());
        assertAll(
                () -> assertEquals(List.of(), steady.failures, "steady clients' requests without a proper answer; service log:\n"
                        + PackagedService.tail(output)),
                () -> assertEquals(List.of(), late.failures, "late clients' requests without a proper answer"),
                () -> assertEquals(0, late.createdAfterSigterm.get(), "check-ins sent after SIGTERM were taken"),
                () -> assertTrue(late.shuttingDown.get() >= LATE_CLIENTS,
                        "new check-ins after SIGTERM got " + late.shuttingDown.get() + " answers 503 SHUTTING_DOWN"),
                () -> assertTrue(steady.createdAfterSigterm.get() > 0,
                        "no check-in waiting for its commit at SIGTERM got its 201 afterwards"),
                () -> assertTrue(readinessWhileDraining != null && readinessWhileDraining.statusCode() == 503,
                        "readiness (management interface) while draining is DOWN: " + describe(readinessWhileDraining)),
                () -> assertTrue(readWhileDraining != null && CheckInClients.shuttingDownRetryAfter(readWhileDraining).isPresent(),
                        "a read while draining: " + describe(readWhileDraining)),
                () -> assertStoredOnceIfAcknowledged(steady, stored),
                () -> assertStoredOnceIfAcknowledged(late, stored),
                () -> assertTrue(output.contains("Shutdown: every request taken is answered"),
                        "drain log line missing:\n" + PackagedService.tail(output)));
    }

    /** Every 201 stored exactly once, every check-in answered only 503 (or never taken) not at all, nothing else. */
    private static void assertStoredOnceIfAcknowledged(CheckInClients clients, Map<String, Long> stored) {
        Set<String> notAcknowledged = new HashSet<>(clients.sent);
        notAcknowledged.removeAll(clients.acknowledged);
        notAcknowledged.removeAll(clients.unanswered);
        for (String key : clients.acknowledged) {
            assertEquals(1L, stored.getOrDefault(key, 0L), "acknowledged check-in " + key + " stored once");
        }
        for (String key : notAcknowledged) {
            assertEquals(0L, stored.getOrDefault(key, 0L), "check-in " + key + " answered 503 or never taken, yet stored");
        }
    }

    /** Check-ins of this run stored, by Idempotency-Key (the events' causation id). */
    private Map<String, Long> storedCheckIns() {
        Map<String, Long> stored = new HashMap<>();
        TestDb.rows("SELECT causation_id, count(*) AS n FROM events WHERE event_type = 'PatientCheckedIn'"
                        + " AND aggregate_id LIKE ? GROUP BY causation_id", run + "-%")
                .forEach(row -> stored.put((String) row.get("causation_id"), ((Number) row.get("n")).longValue()));
        return stored;
    }

    private static long appendsWaiting() {
        return TestDb.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock'");
    }

    private static Optional<HttpResponse<String>> get(HttpClient http, URI uri) {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                            .header(Tokens.AUTHORIZATION, Tokens.bearer(Roles.VIEWER)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String describe(HttpResponse<String> response) {
        return response == null ? "no answer" : response.statusCode() + " " + response.headers().map() + " " + response.body();
    }
}
