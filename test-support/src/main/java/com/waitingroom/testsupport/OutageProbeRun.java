package com.waitingroom.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 19's health contract through one dependency outage: every health endpoint answers within
 * 200 ms (p99 of many probes, so two hiccups of a busy 2-core machine are tolerated, a slow check is
 * not), readiness goes DOWN within a few seconds and stays DOWN until the dependency is back, then UP
 * again; liveness and startup never fail. Fails with {@link AssertionError} (test-support does not
 * depend on JUnit).
 */
public final class OutageProbeRun {

    private static final double P99_LIMIT_MILLIS = 200;
    private static final Duration DOWN_WITHIN = Duration.ofSeconds(5);
    private static final int WARM_UP_ROUNDS = 10;
    private static final int MIN_OUTAGE_PROBES = 200;
    private static final Duration MAX_OUTAGE = Duration.ofSeconds(20);
    private static final Duration MAX_RECOVERY = Duration.ofSeconds(30);

    private OutageProbeRun() {
    }

    /**
     * Probes the service on {@code port} before, during (between {@code beginOutage} and {@code endOutage})
     * and after an outage and checks the contract above; {@code checkName} is the health check of the
     * dependency that goes away.
     */
    public static void assertAnswersQuicklyThroughAnOutage(int port, Runnable beginOutage, Runnable endOutage,
            String checkName) throws InterruptedException {
        HealthProbes probes = new HealthProbes(port);
        for (int i = 0; i < WARM_UP_ROUNDS; i++) { // JIT and the client's connection, not measured
            probes.round();
        }
        int warmUp = probes.all().size();
        for (HealthProbes.Probe before : probes.round()) {
            check(before.status() == 200, "healthy before the outage: " + before + " " + before.body());
        }

        List<HealthProbes.Probe> outage = new ArrayList<>();
        HealthProbes.Probe firstDown = null;
        beginOutage.run();
        long outageBegan = System.nanoTime();
        try {
            int roundsDown = 0;
            while ((outage.size() < MIN_OUTAGE_PROBES || roundsDown < 3) && since(outageBegan).compareTo(MAX_OUTAGE) < 0) {
                for (HealthProbes.Probe probe : probes.round()) {
                    outage.add(probe);
                    if (probe.isReadiness() && probe.status() == 503) {
                        roundsDown++;
                        if (firstDown == null) {
                            firstDown = probe;
                        }
                    }
                }
                Thread.sleep(25);
            }
        } finally {
            endOutage.run();
        }
        long restoredAt = System.nanoTime();
        HealthProbes.Probe ready = null;
        while (ready == null && since(restoredAt).compareTo(MAX_RECOVERY) < 0) {
            HealthProbes.Probe probe = probes.probe("/q/health/ready");
            ready = probe.status() == 200 ? probe : null;
            Thread.sleep(100);
        }

        List<HealthProbes.Probe> measured = probes.all().subList(warmUp, probes.all().size());
        System.out.printf("health during outage: %s; first DOWN %s ms after the outage began, UP %s ms after it ended%n",
                HealthProbes.summary(measured),
                firstDown == null ? "never" : (firstDown.sentAtNanos() + firstDown.nanos() - outageBegan) / 1_000_000,
                ready == null ? "never" : (ready.sentAtNanos() + ready.nanos() - restoredAt) / 1_000_000);
        double p99 = HealthProbes.percentileMillis(measured, 99);
        check(p99 < P99_LIMIT_MILLIS, "p99 of " + measured.size() + " probes was " + p99
                + " ms (limit " + P99_LIMIT_MILLIS + " ms); slowest: " + HealthProbes.slowest(measured, 5));
        check(outage.size() >= MIN_OUTAGE_PROBES, "probes during the outage: " + outage.size());
        check(firstDown != null, "readiness never went DOWN: " + outage.subList(0, 4));
        Duration downAfter = Duration.ofNanos(firstDown.sentAtNanos() + firstDown.nanos() - outageBegan);
        check(downAfter.compareTo(DOWN_WITHIN) <= 0, "DOWN only after " + downAfter.toMillis() + " ms");
        check("DOWN".equals(firstDown.overallStatus()), "first DOWN probe's status: " + firstDown.body());
        check("DOWN".equals(firstDown.checkStatus(checkName)), checkName + " DOWN: " + firstDown.body());
        for (HealthProbes.Probe probe : outage) {
            if (probe.path().equals("/q/health/live") || probe.path().equals("/q/health/started")) {
                check(probe.status() == 200, "an outage never fails liveness/startup: " + probe + " " + probe.body());
            } else if (probe.sentAtNanos() > firstDown.sentAtNanos()) {
                check(probe.status() == 503, "DOWN until " + checkName + " is back: " + probe + " " + probe.body());
            } else {
                check(probe.status() == 200 || probe.status() == 503, probe.toString());
            }
        }
        check(ready != null, "readiness UP again within " + MAX_RECOVERY.toSeconds() + " s of the restore");
        check("UP".equals(ready.checkStatus(checkName)), checkName + " UP after the restore: " + ready.body());
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new AssertionError(failure);
        }
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
