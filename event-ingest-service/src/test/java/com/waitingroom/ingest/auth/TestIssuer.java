package com.waitingroom.ingest.auth;

import com.waitingroom.testsupport.TestPorts;
import com.waitingroom.testsupport.auth.LocalIssuerResource;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Every test of this module runs the service against the test JVM's local issuer, and its management
 * interface on a port the tests know (TestPorts.management(), also in the packaged app of the ITs).
 */
@QuarkusTestResource(value = LocalIssuerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestPorts.Resource.class, restrictToAnnotatedClass = false)
public final class TestIssuer {
    private TestIssuer() {
    }
}
