package switchboard.config;

import java.util.List;

/**
 * How platform JWTs are verified (Signal clients, service-to-service REST, admin tokens).
 *
 * @param hs256Secret   shared HMAC secret for HS256; the dev secret when none is configured
 * @param devSecret     true when {@code hs256Secret} is the built-in dev-only secret
 * @param publicKeys    RS256/ES256 public keys (PEM) accepted as well
 * @param issuer        required {@code iss}, or null for any
 * @param audience      required {@code aud}, or null for any
 * @param leewaySeconds clock skew tolerated on exp/nbf
 */
public record JwtConfig(String hs256Secret, boolean devSecret, List<PublicKey> publicKeys,
                        String issuer, String audience, int leewaySeconds) {

  /** Known to everyone who reads this repository: fine on a laptop, refused by the prod profile. */
  public static final String DEV_SECRET = "switchboard-dev-secret-not-for-production-use-0123456789";

  /** An asymmetric verification key. */
  public record PublicKey(String algorithm, String pem) {
  }

  public static JwtConfig read(ConfigReader r) {
    String secret = r.string("hs256Secret", null);
    boolean dev = secret == null || secret.isEmpty() || DEV_SECRET.equals(secret);
    if (!dev && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      throw r.invalid("hs256Secret", "must be at least 32 bytes for HS256");
    }
    List<PublicKey> keys = r.sections("publicKeys").stream().map(k -> {
      String alg = k.requiredString("algorithm");
      if (!List.of("RS256", "ES256").contains(alg)) {
        throw k.invalid("algorithm", "must be RS256 or ES256 (was \"" + alg + "\")");
      }
      return new PublicKey(alg, k.requiredString("pem"));
    }).toList();
    return new JwtConfig(dev ? DEV_SECRET : secret, dev, keys,
        r.string("issuer", null), r.string("audience", null), r.integer("leewaySeconds", 0, 0, 300));
  }
}
