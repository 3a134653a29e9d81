package com.waitingroom.testsupport.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;

/**
 * An OIDC-style token issuer for tests: an RSA key pair made in memory for this JVM (nothing is
 * committed), its public key published as a JWKS file, and real RS256-signed JWTs minted with it.
 * The services under test verify these tokens exactly as they verify a real provider's: issuer,
 * audience, signature from the JWKS, expiry. {@link #shared()} is one issuer per test JVM, so a
 * {@code @QuarkusTest} app, a packaged jar started by a test and the test's own client agree.
 */
public final class LocalIssuer {

    public static final String ISSUER = "https://issuer.test.waiting-room.invalid";
    public static final String AUDIENCE = "waiting-room";
    public static final String KEY_ID = "test-key-1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile LocalIssuer shared;

    private final KeyPair keys;
    private final KeyPair strangerKeys;
    private final Path jwksFile;

    private LocalIssuer() {
        this.keys = rsaKeyPair();
        this.strangerKeys = rsaKeyPair();
        this.jwksFile = writeJwks((RSAPublicKey) keys.getPublic());
    }

    /** The issuer of this test JVM (created on first use). */
    public static LocalIssuer shared() {
        LocalIssuer issuer = shared;
        if (issuer == null) {
            synchronized (LocalIssuer.class) {
                if (shared == null) {
                    shared = new LocalIssuer();
                }
                issuer = shared;
            }
        }
        return issuer;
    }

    /** The JWKS file (public key only) that a service reads as AUTH_JWKS_URL. */
    public Path jwksFile() {
        return jwksFile;
    }

    /** Quarkus configuration for a service under test (system properties or a test resource). */
    public Map<String, String> quarkusConfig() {
        return Map.of(
                "mp.jwt.verify.issuer", ISSUER,
                "mp.jwt.verify.publickey.location", jwksFile.toUri().toString(),
                "mp.jwt.verify.audiences", AUDIENCE);
    }

    /** The same configuration as the env vars the services document (packaged jars, scripts). */
    public Map<String, String> env() {
        return Map.of(
                "AUTH_ISSUER", ISSUER,
                "AUTH_JWKS_URL", jwksFile.toUri().toString(),
                "AUTH_AUDIENCE", AUDIENCE);
    }

    /** A builder for a token of this issuer; valid for an hour unless changed. */
    public TokenBuilder token() {
        return new TokenBuilder(this);
    }

    /** A valid token for one role, subject {@code <role>-test}. */
    public String forRole(String role) {
        return token().subject(role + "-test").roles(role).sign();
    }

    /** A valid token with every role of the suite's admin. */
    public String admin() {
        return forRole("admin");
    }

    /** The Authorization header value for a role. */
    public String bearer(String role) {
        return "Bearer " + forRole(role);
    }

    String sign(ObjectNode header, ObjectNode claims, boolean stranger) {
        try {
            String signingInput = base64Url(JSON.writeValueAsBytes(header)) + "." + base64Url(JSON.writeValueAsBytes(claims));
            var signature = java.security.Signature.getInstance("SHA256withRSA");
            signature.initSign((stranger ? strangerKeys : keys).getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(signature.sign());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writeJwks(RSAPublicKey publicKey) {
        ObjectNode jwk = JSON.createObjectNode()
                .put("kty", "RSA").put("use", "sig").put("alg", "RS256").put("kid", KEY_ID)
                .put("n", base64Url(unsigned(publicKey.getModulus())))
                .put("e", base64Url(unsigned(publicKey.getPublicExponent())));
        ObjectNode jwks = JSON.createObjectNode();
        jwks.putArray("keys").add(jwk);
        try {
            Path file = Files.createTempFile("waiting-room-test-jwks-", ".json");
            file.toFile().deleteOnExit();
            Files.write(file, JSON.writeValueAsBytes(jwks));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            return java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return bytes;
    }
}
