package switchboard.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * How platform JWTs are verified (Signal clients, service-to-service REST, admin tokens): which keys sign
 * them, node-wide, and which claims a service demands ({@link Policy}), shared by every service unless its
 * own section overrides some of them ({@code "signal": {"jwt": {"audience": "signal"}}}).
 *
 * @param hs256Secret           shared HMAC secret for HS256, or null when HS256 is not accepted
 * @param devSecret             true when {@code hs256Secret} is this installation's generated dev secret
 * @param publicKeys            RS256/ES256 public keys (PEM) accepted as well
 * @param jwksUrl               an identity provider's JWK Set (http or https), or null
 * @param jwksMinRefreshInterval least time between two fetches of the JWK Set caused by unknown {@code kid}s
 * @param jwksMaxAge            a JWK Set older than this is fetched again (in the background) on next use
 * @param policy                the claims every service demands unless it overrides them
 */
public record JwtConfig(String hs256Secret, boolean devSecret, List<PublicKey> publicKeys, String jwksUrl,
                        Duration jwksMinRefreshInterval, Duration jwksMaxAge, Policy policy) {

  public static final long DEFAULT_MAX_TTL_SECONDS = 86_400;

  /** An asymmetric verification key. */
  public record PublicKey(String algorithm, String pem) {
  }

  /**
   * What a valid token must say, and where its user and roles are.
   *
   * @param issuer        required {@code iss}, or null for any
   * @param audience      required in {@code aud} (a string or one of a list), or null for any
   * @param userIdClaim   claim (or dotted path) naming the user, {@code sub} by default
   * @param rolesClaim    claim (or dotted path, e.g. {@code realm_access.roles}) holding the roles: a list of
   *                      strings, or one space-separated string such as an OAuth {@code scope}
   * @param maxTtlSeconds longest lifetime accepted: {@code exp - iat}, or {@code exp - now} without {@code iat}
   * @param leewaySeconds clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
   */
  public record Policy(String issuer, String audience, String userIdClaim, String rolesClaim, long maxTtlSeconds,
                       int leewaySeconds) {

    /** Reads a policy whose absent keys keep the values of {@code defaults}. */
    public static Policy read(ConfigReader r, Policy defaults) {
      return new Policy(
          optional(r, "issuer", defaults.issuer()),
          optional(r, "audience", defaults.audience()),
          claimPath(r, "userIdClaim", defaults.userIdClaim()),
          claimPath(r, "rolesClaim", defaults.rolesClaim()),
          r.longValue("maxTtlSeconds", defaults.maxTtlSeconds(), 60, 366L * 86_400),
          r.integer("leewaySeconds", defaults.leewaySeconds(), 0, 300));
    }

    private static String optional(ConfigReader r, String name, String inherited) {
      String value = r.string(name, inherited);
      return value == null || value.isBlank() ? null : value;
    }

    private static String claimPath(ConfigReader r, String name, String inherited) {
      String value = r.string(name, inherited);
      if (value.isBlank() || value.startsWith(".") || value.endsWith(".") || value.contains("..")) {
        throw r.invalid(name, "must be a claim name or a dotted path such as realm_access.roles");
      }
      return value;
    }
  }

  public static final Policy DEFAULT_POLICY = new Policy(null, null, "sub", "roles", DEFAULT_MAX_TTL_SECONDS, 0);

  /** Reads the {@code jwt} section; an empty {@code hs256Secret} means HS256 is not accepted. */
  public static JwtConfig read(ConfigReader r) {
    return read(r, null);
  }

  /**
   * Reads the {@code jwt} section; an empty {@code hs256Secret} is replaced by {@code generatedDevSecret}
   * when one is given (dev profile), else HS256 is not accepted. At least one key source must remain.
   */
  public static JwtConfig read(ConfigReader r, String generatedDevSecret) {
    String secret = r.string("hs256Secret", "");
    boolean dev = false;
    if (secret.isEmpty()) {
      secret = generatedDevSecret;
      dev = generatedDevSecret != null;
    } else if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw r.invalid("hs256Secret", "must be at least 32 bytes for HS256");
    }
    List<PublicKey> keys = r.sections("publicKeys").stream().map(k -> {
      String alg = k.requiredString("algorithm");
      if (!List.of("RS256", "ES256").contains(alg)) {
        throw k.invalid("algorithm", "must be RS256 or ES256 (was \"" + alg + "\")");
      }
      return new PublicKey(alg, k.requiredString("pem"));
    }).toList();
    String jwksUrl = jwksUrl(r);
    if (secret == null && keys.isEmpty() && jwksUrl == null) {
      throw r.invalid("hs256Secret", "no verification key: set hs256Secret, publicKeys or jwksUrl");
    }
    return new JwtConfig(secret, dev, keys, jwksUrl,
        r.millis("jwksMinRefreshIntervalMs", 30_000, 0, 3_600_000),
        r.millis("jwksMaxAgeMs", 3_600_000, 1000, 7L * 86_400_000),
        Policy.read(r, DEFAULT_POLICY));
  }

  private static String jwksUrl(ConfigReader r) {
    String url = r.string("jwksUrl", "");
    if (url.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(url);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw r.invalid("jwksUrl", "must be an absolute http or https URL");
      }
    } catch (URISyntaxException e) {
      throw r.invalid("jwksUrl", "is not a URL: " + e.getReason());
    }
    return url;
  }

  /** This configuration with the policy a service's own {@code jwt} section makes of the shared one. */
  public JwtConfig forService(ConfigReader serviceJwt) {
    return new JwtConfig(hs256Secret, devSecret, publicKeys, jwksUrl, jwksMinRefreshInterval, jwksMaxAge,
        Policy.read(serviceJwt, policy));
  }

  /** Keeps the secret out of logs and config dumps. */
  @Override
  public String toString() {
    return "JwtConfig[hs256=" + (hs256Secret == null ? "off" : devSecret ? "dev" : "set") + ", publicKeys="
        + publicKeys.size() + ", jwksUrl=" + jwksUrl + ", policy=" + policy + "]";
  }
}
