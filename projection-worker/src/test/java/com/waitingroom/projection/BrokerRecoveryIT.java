package com.waitingroom.projection;

import io.quarkus.test.junit.QuarkusIntegrationTest;

import java.util.logging.Level;

/** The broker cut under load against the packaged app (the JVM jar, or the native executable with -Pnative). */
@QuarkusIntegrationTest
class BrokerRecoveryIT extends BrokerRecoveryTest {

    @Override
    LogLines logAtOrAbove(Level threshold) {
        return PackagedAppLog.atOrAbove(threshold);
    }
}
