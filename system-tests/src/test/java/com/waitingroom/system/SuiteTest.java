package com.waitingroom.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class that runs against the four packaged services, started once for the class. */
abstract class SuiteTest {

    static Suite suite;

    @BeforeAll
    static void startSuite() throws Exception {
        suite = Suite.start();
    }

    @AfterAll
    static void stopSuite() throws InterruptedException {
        if (suite != null) {
            suite.close();
        }
    }
}
