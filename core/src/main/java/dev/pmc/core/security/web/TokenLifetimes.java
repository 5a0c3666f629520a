package dev.pmc.core.security.web;

import dev.pmc.core.targets.Intervals;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Refuses (401) a token that was issued to live longer than its role may: admin at most
 * {@code pmc.security.max-token-lifetime.admin} (default 30d), any other at most
 * {@code pmc.security.max-token-lifetime.reader} (default 90d), measured from its iat to its exp (a token without iat
 * cannot be bounded and is refused). bin/pmc token enforces the same maxima when minting; an OIDC provider's tokens
 * (minutes to hours) are far below them.
 */
@ApplicationScoped
public class TokenLifetimes implements SecurityIdentityAugmentor {
    @ConfigProperty(name = "pmc.security.max-token-lifetime.admin", defaultValue = "30d")
    String adminMax;
    @ConfigProperty(name = "pmc.security.max-token-lifetime.reader", defaultValue = "90d")
    String readerMax;

    /** The maxima in seconds, parsed once (this runs on every authenticated request). */
    private volatile long[] maxSeconds;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) return Uni.createFrom().item(identity);
        long[] max = maxSeconds;
        if (max == null) {
            max = new long[]{Intervals.parse(adminMax).toSeconds(), Intervals.parse(readerMax).toSeconds()};
            maxSeconds = max;
        }
        String why = problem(jwt.getIssuedAtTime(), jwt.getExpirationTime(), identity.hasRole("admin"), max[0], max[1]);
        return why == null ? Uni.createFrom().item(identity) : Uni.createFrom().failure(new AuthenticationFailedException(why));
    }

    /** Why a token issued at {@code iat} and expiring at {@code exp} (epoch seconds) is refused, or null. */
    public static String problem(long iat, long exp, boolean admin, long adminMaxSeconds, long readerMaxSeconds) {
        if (iat <= 0) return "token has no iat claim: its lifetime cannot be bounded";
        long max = admin ? adminMaxSeconds : readerMaxSeconds;
        return exp - iat > max ? "token lives " + (exp - iat) + " s, more than the " + (admin ? "admin" : "reader") + " maximum of " + max + " s" : null;
    }
}
