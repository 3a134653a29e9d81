package com.waitingroom.testsupport.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One token of a {@link LocalIssuer}; every field can be made wrong on purpose. */
public final class TokenBuilder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalIssuer issuer;
    private String subject = "test-user";
    private List<String> roles = List.of();
    private String rolesClaim = "groups";
    private String tokenIssuer = LocalIssuer.ISSUER;
    private String audience = LocalIssuer.AUDIENCE;
    private Instant issuedAt = Instant.now();
    private Instant expiresAt = issuedAt.plus(Duration.ofHours(1));
    private boolean signedByStranger;

    TokenBuilder(LocalIssuer issuer) {
        this.issuer = issuer;
    }

    public TokenBuilder subject(String subject) {
        this.subject = subject;
        return this;
    }

    public TokenBuilder roles(String... roles) {
        this.roles = List.of(roles);
        return this;
    }

    /** Where the roles go (default {@code groups}); "realm_access/roles" nests them as Keycloak does. */
    public TokenBuilder rolesClaim(String path) {
        this.rolesClaim = path;
        return this;
    }

    public TokenBuilder issuer(String issuer) {
        this.tokenIssuer = issuer;
        return this;
    }

    public TokenBuilder audience(String audience) {
        this.audience = audience;
        return this;
    }

    /** Expired well beyond any verifier's clock-skew allowance (ten minutes ago). */
    public TokenBuilder expired() {
        this.issuedAt = Instant.now().minus(Duration.ofMinutes(70));
        this.expiresAt = Instant.now().minus(Duration.ofMinutes(10));
        return this;
    }

    public TokenBuilder expiresAt(Instant expiresAt) {
        this.expiresAt = expiresAt;
        return this;
    }

    /** Signed by another key under the issuer's key id: the signature does not verify. */
    public TokenBuilder badSignature() {
        this.signedByStranger = true;
        return this;
    }

    public String sign() {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT").put("kid", LocalIssuer.KEY_ID);
        ObjectNode claims = JSON.createObjectNode()
                .put("iss", tokenIssuer)
                .put("sub", subject)
                .put("aud", audience)
                .put("iat", issuedAt.getEpochSecond())
                .put("exp", expiresAt.getEpochSecond())
                .put("jti", UUID.randomUUID().toString());
        ObjectNode parent = claims;
        String[] path = rolesClaim.split("/");
        for (int i = 0; i < path.length - 1; i++) {
            parent = parent.putObject(path[i]);
        }
        var array = parent.putArray(path[path.length - 1]);
        roles.forEach(array::add);
        return issuer.sign(header, claims, signedByStranger);
    }

    /** The Authorization header value. */
    public String bearer() {
        return "Bearer " + sign();
    }
}
