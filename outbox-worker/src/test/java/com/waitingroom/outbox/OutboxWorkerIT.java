package com.waitingroom.outbox;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same black-box tests against the packaged (JVM or native) application. */
@QuarkusIntegrationTest
class OutboxWorkerIT extends OutboxWorkerTest {

    @Override
    int managementPort() {
        return OutboxTestInfra.managementPort();
    }
}
