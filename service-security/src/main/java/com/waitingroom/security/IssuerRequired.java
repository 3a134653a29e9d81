package com.waitingroom.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

import java.util.ArrayList;
import java.util.List;

/**
 * Fail closed: a service whose token verification is not configured refuses to start (in every
 * profile), instead of starting with a verifier that would skip the issuer or audience check or
 * refuse every caller without saying why. No issuer or key is written in any committed
 * configuration; they come from AUTH_ISSUER and AUTH_JWKS_URL (the audience, AUTH_AUDIENCE, defaults
 * to waiting-room).
 */
@ApplicationScoped
public class IssuerRequired {

    static final String ISSUER = "mp.jwt.verify.issuer";
    static final String KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String INLINE_KEY = "mp.jwt.verify.publickey";
    static final String AUDIENCES = "mp.jwt.verify.audiences";
    static final String NOT_CONFIGURED = "NONE";

    void check(@Observes @Priority(1) StartupEvent event, Config config) {
        List<String> missing = missing(config);
        if (!missing.isEmpty()) {
            throw new IllegalStateException(message(missing));
        }
    }

    static List<String> missing(Config config) {
        List<String> missing = new ArrayList<>();
        if (blank(config, ISSUER)) {
            missing.add("AUTH_ISSUER (the token issuer, the 'iss' claim, e.g. https://idp.example/realms/waiting-room)");
        }
        if (blank(config, KEY_LOCATION) && blank(config, INLINE_KEY)) {
            missing.add("AUTH_JWKS_URL (the issuer's JWKS URL, or a JWKS or PEM public-key file)");
        }
        if (blank(config, AUDIENCES)) {
            missing.add("AUTH_AUDIENCE (the audience tokens must be issued for, the 'aud' claim)");
        }
        return missing;
    }

    static String message(List<String> missing) {
        return "Access control is not configured, so this service does not start: set "
                + String.join(" and ", missing)
                + ". Every endpoint except the management interface (health, metrics, OpenAPI) needs a bearer "
                + "token signed by that issuer. For a local run, deploy/local/start-suite.sh creates a local "
                + "issuer and sets these variables.";
    }

    /** Unset, empty, or smallrye-jwt's "not configured" value NONE (what ${AUTH_ISSUER:NONE} gives). */
    private static boolean blank(Config config, String name) {
        return config.getOptionalValue(name, String.class)
                .map(value -> value.isBlank() || value.equals(NOT_CONFIGURED)).orElse(true);
    }
}
