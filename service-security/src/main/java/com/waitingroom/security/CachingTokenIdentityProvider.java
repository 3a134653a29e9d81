package com.waitingroom.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.smallrye.jwt.runtime.auth.MpJwtValidator;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.security.Principal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Bearer-token authentication with {@link VerifiedTokens} in front of smallrye-jwt's validator: the
 * first request with a token is verified as usual (issuer, audience, signature from the JWKS,
 * expiry); later requests with the same token reuse that result until the token expires (at most
 * AUTH_TOKEN_CACHE_MAX_AGE). A token that failed verification is never remembered.
 * AUTH_TOKEN_CACHE_MAX_ENTRIES=0 turns the cache off.
 *
 * <p>What is remembered is the verified token, its roles and credentials, never the request it came
 * with: smallrye-jwt puts the request's routing context on the identity it builds, and keeping that
 * would keep the first request (and its body) alive, and hand it to later requests. Each request
 * gets an identity of its own, carrying its own routing context.
 */
@ApplicationScoped
public class CachingTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final MpJwtValidator validator;
    private final VerifiedTokens<Verified> verified;

    /** A verified token as remembered: what an identity is built from, without any request. */
    private record Verified(Principal principal, Set<String> roles, Set<io.quarkus.security.credential.Credential> credentials,
                            Map<String, Object> attributes) {
    }

    public CachingTokenIdentityProvider(MpJwtValidator validator,
                                        @ConfigProperty(name = "auth.token-cache.max-entries", defaultValue = "10000")
                                        int maxEntries,
                                        @ConfigProperty(name = "auth.token-cache.max-age", defaultValue = "PT5M")
                                        Duration maxAge) {
        this.validator = validator;
        this.verified = new VerifiedTokens<>(maxEntries, maxAge.toMillis());
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Asked before smallrye-jwt's own validator, which it delegates to on a miss. */
    @Override
    public int priority() {
        return validator.priority() + 1;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        long now = System.currentTimeMillis();
        Verified known = verified.get(token, now);
        if (known != null) {
            return Uni.createFrom().item(identityFor(known, HttpSecurityUtils.getRoutingContextAttribute(request)));
        }
        return validator.authenticate(request, context).invoke(identity -> remember(token, identity));
    }

    /** How many verified tokens are remembered now (tests, diagnostics). */
    public int cachedTokens() {
        return verified.size();
    }

    private void remember(String token, SecurityIdentity identity) {
        if (identity != null && identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getExpirationTime() > 0) {
            Map<String, Object> attributes = new HashMap<>(identity.getAttributes());
            attributes.remove(HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE);
            verified.put(token, new Verified(jwt, Set.copyOf(identity.getRoles()), Set.copyOf(identity.getCredentials()),
                    Map.copyOf(attributes)), jwt.getExpirationTime() * 1000, System.currentTimeMillis());
        }
    }

    static SecurityIdentity identityFor(Verified verified, RoutingContext request) {
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(verified.principal())
                .addRoles(verified.roles())
                .addCredentials(verified.credentials())
                .addAttributes(verified.attributes());
        if (request != null) {
            identity.addAttribute(HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE, request);
        }
        return identity.build();
    }
}
