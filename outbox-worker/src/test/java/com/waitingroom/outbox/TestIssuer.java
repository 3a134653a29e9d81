package com.waitingroom.outbox;

import com.waitingroom.security.Roles;
import com.waitingroom.testsupport.TestPorts;
import com.waitingroom.testsupport.auth.LocalIssuer;
import com.waitingroom.testsupport.auth.LocalIssuerResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Every test of this module (also the packaged app of the integration tests) runs the service
 * against the test JVM's local issuer, its management interface on a port the tests know
 * (TestPorts); the tests' own calls carry the issuer's tokens.
 */
@QuarkusTestResource(value = LocalIssuerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestPorts.Resource.class, restrictToAnnotatedClass = false)
public final class TestIssuer {

    private TestIssuer() {
    }

    /** Authorization header value of a valid admin token (every admin operation needs the role admin). */
    public static String admin() {
        return LocalIssuer.shared().bearer(Roles.ADMIN);
    }

    /** Authorization header value of a valid token with one role. */
    public static String bearer(String role) {
        return LocalIssuer.shared().bearer(role);
    }
}
