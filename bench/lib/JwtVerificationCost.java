import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;

/**
 * What verifying one bearer token costs api-service: the same token verified again and again with
 * smallrye-jwt's parser (the one Quarkus' smallrye-jwt extension runs for a token the service has not
 * verified yet; service-security then remembers it until it expires), configured
 * as the service is (issuer, audience, groups claim, public key location), on one thread.
 * Run by bench/api-service.sh as a single-file program on the service's own jars:
 *
 *   java -cp "api-service/target/quarkus-app/lib/boot/*:api-service/target/quarkus-app/lib/main/*" \
 *        bench/lib/JwtVerificationCost.java \
 *        TOKEN ISSUER AUDIENCE KEY_LOCATION [SECONDS]
 *
 * Prints microseconds per verification: a warm-up second, then the mean over SECONDS (default 5).
 */
public class JwtVerificationCost {

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: JwtVerificationCost TOKEN ISSUER AUDIENCE KEY_LOCATION [SECONDS]");
            System.exit(2);
        }
        String token = args[0];
        JWTAuthContextInfo context = new JWTAuthContextInfo(args[3], args[1]);
        context.setExpectedAudience(Set.of(args[2]));
        context.setGroupsPath("groups");
        DefaultJWTParser parser = new DefaultJWTParser(context);
        long seconds = args.length > 4 ? Long.parseLong(args[4]) : 5;

        JsonWebToken verified = parser.parse(token); // fails here if the token does not verify
        run(parser, token, 1_000_000_000L); // warm-up: JIT
        long[] result = run(parser, token, seconds * 1_000_000_000L);
        double micros = result[1] / 1000.0 / result[0];
        System.out.printf("  JWT verification (smallrye-jwt %s, RS256, sub %s, groups %s): %.1f µs per token"
                        + " (%d verifications in %.1f s, one thread)%n",
                DefaultJWTParser.class.getPackage().getImplementationVersion(), verified.getSubject(),
                verified.getGroups(), micros, result[0], result[1] / 1e9);
    }

    /** @return {verifications, nanoseconds} */
    private static long[] run(DefaultJWTParser parser, String token, long nanos) throws Exception {
        long start = System.nanoTime();
        long end = start + nanos;
        long count = 0;
        long now;
        int sink = 0;
        do {
            for (int i = 0; i < 100; i++) {
                sink += parser.parse(token).getSubject().length();
            }
            count += 100;
            now = System.nanoTime();
        } while (now < end);
        if (sink == 42) {
            System.out.print("");
        }
        return new long[] {count, now - start};
    }
}
