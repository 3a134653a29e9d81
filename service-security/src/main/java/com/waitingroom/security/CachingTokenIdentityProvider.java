package com.waitingroom.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.MpJwtValidator;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Duration;

/**
 * Bearer-token authentication with {@link VerifiedTokens} in front of smallrye-jwt's validator: the
 * first request with a token is verified as usual (issuer, audience, signature from the JWKS,
 * expiry); later requests with the same token reuse that result until the token expires (at most
 * AUTH_TOKEN_CACHE_MAX_AGE). A token that failed verification is never remembered.
 * AUTH_TOKEN_CACHE_MAX_ENTRIES=0 turns the cache off.
 */
@ApplicationScoped
public class CachingTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final MpJwtValidator validator;
    private final VerifiedTokens<SecurityIdentity> verified;

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
        SecurityIdentity known = verified.get(token, now);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return validator.authenticate(request, context).invoke(identity -> remember(token, identity));
    }

    /** How many verified tokens are remembered now (tests, diagnostics). */
    public int cachedTokens() {
        return verified.size();
    }

    private void remember(String token, SecurityIdentity identity) {
        if (identity != null && identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getExpirationTime() > 0) {
            verified.put(token, identity, jwt.getExpirationTime() * 1000, System.currentTimeMillis());
        }
    }
}
