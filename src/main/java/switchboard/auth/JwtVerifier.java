package switchboard.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.config.JwtConfig;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies platform JWTs for one service: the signature against the node's {@link JwtKeys}, then the claims
 * against the service's {@link JwtConfig.Policy}. A token must carry {@code exp}; its lifetime ({@code exp -
 * iat}, or {@code exp - now} when it has no {@code iat}) may not exceed {@code maxTtlSeconds}; {@code iss} and
 * {@code aud} must match when the policy names them. The user and the roles are read from the configured
 * claims, which may be dotted paths into nested objects.
 */
public final class JwtVerifier {

  /** Longer tokens are refused before any parsing (identity providers' tokens are a few kilobytes). */
  public static final int MAX_TOKEN_CHARS = 16 * 1024;

  private final JwtKeys keys;
  private final JwtConfig.Policy policy;
  private final Clock clock;

  public JwtVerifier(JwtKeys keys, JwtConfig.Policy policy, Clock clock) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public JwtVerifier(JwtKeys keys, JwtConfig.Policy policy) {
    this(keys, policy, Clock.systemUTC());
  }

  /** A verifier with its own keys and the shared policy of {@code config}. */
  public JwtVerifier(Vertx vertx, JwtConfig config) {
    this(new JwtKeys(vertx, config), config.policy());
  }

  /** The same keys with another policy: how each service gets its own audience. */
  public JwtVerifier withPolicy(JwtConfig.Policy servicePolicy) {
    return new JwtVerifier(keys, servicePolicy, clock);
  }

  public JwtKeys keys() {
    return keys;
  }

  /** Fails with {@link InvalidTokenException} for any token that is not valid now. */
  public Future<Principal> verify(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(new InvalidTokenException("missing token"));
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      return Future.failedFuture(new InvalidTokenException("token longer than " + MAX_TOKEN_CHARS + " characters"));
    }
    JsonObject header;
    try {
      header = header(token);
    } catch (InvalidTokenException e) {
      return Future.failedFuture(e);
    }
    String alg = header.getValue("alg") instanceof String s ? s : null;
    String kid = header.getValue("kid") instanceof String s ? s : null;
    if (alg == null || alg.equalsIgnoreCase("none")) {
      return Future.failedFuture(new InvalidTokenException("token is not signed"));
    }
    return keys.verifySignature(token, alg, kid).compose(claims -> {
      try {
        return Future.succeededFuture(principal(claims));
      } catch (InvalidTokenException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private static JsonObject header(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      throw new InvalidTokenException("not a signed JWT (header.payload.signature)");
    }
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new InvalidTokenException("unreadable JWT header");
    }
  }

  private Principal principal(JsonObject claims) {
    long now = clock.instant().getEpochSecond();
    int leeway = policy.leewaySeconds();
    Long exp = seconds(claims, "exp");
    if (exp == null) {
      throw new InvalidTokenException("token has no exp");
    }
    if (now - leeway >= exp) {
      throw new InvalidTokenException("token expired");
    }
    Long nbf = seconds(claims, "nbf");
    if (nbf != null && nbf > now + leeway) {
      throw new InvalidTokenException("token not valid yet (nbf)");
    }
    Long iat = seconds(claims, "iat");
    if (iat != null && iat > now + leeway) {
      throw new InvalidTokenException("token issued in the future (iat)");
    }
    long lifetime = exp - (iat != null ? iat : now);
    if (lifetime > policy.maxTtlSeconds()) {
      throw new InvalidTokenException("token lifetime " + lifetime + " s exceeds the " + policy.maxTtlSeconds() + " s allowed");
    }
    if (policy.issuer() != null && !policy.issuer().equals(claims.getValue("iss"))) {
      throw new InvalidTokenException("token issuer is not " + policy.issuer());
    }
    if (policy.audience() != null && !hasAudience(claims.getValue("aud"), policy.audience())) {
      throw new InvalidTokenException("token audience does not include " + policy.audience());
    }
    Object user = claim(claims, policy.userIdClaim());
    if (!(user instanceof String userId) || userId.isEmpty()) {
      throw new InvalidTokenException("token has no " + policy.userIdClaim());
    }
    return new Principal(userId, roles(claim(claims, policy.rolesClaim())), Instant.ofEpochSecond(exp), claims);
  }

  private static Long seconds(JsonObject claims, String name) {
    Object value = claims.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n)) {
      throw new InvalidTokenException("token " + name + " is not a number");
    }
    return n.longValue();
  }

  private static boolean hasAudience(Object aud, String wanted) {
    if (aud instanceof String s) {
      return s.equals(wanted);
    }
    return aud instanceof JsonArray array && array.contains(wanted);
  }

  /**
   * The claim named {@code path}: a top-level claim of that exact name first (claim names may contain dots,
   * such as namespaced URLs), else the dotted path through nested objects.
   */
  static Object claim(JsonObject claims, String path) {
    if (claims.containsKey(path)) {
      return claims.getValue(path);
    }
    Object current = claims;
    for (String step : path.split("\\.")) {
      if (!(current instanceof JsonObject object)) {
        return null;
      }
      current = object.getValue(step);
    }
    return current;
  }

  private static Set<String> roles(Object value) {
    Set<String> roles = new HashSet<>();
    if (value instanceof JsonArray array) {
      for (Object o : array) {
        if (o instanceof String s && !s.isEmpty()) {
          roles.add(s);
        }
      }
    } else if (value instanceof String s) {
      for (String role : s.trim().split("\\s+")) {
        if (!role.isEmpty()) {
          roles.add(role);
        }
      }
    }
    return Set.copyOf(roles);
  }

  /** A token that is missing, malformed, badly signed, expired, too long-lived or meant for someone else. */
  public static final class InvalidTokenException extends RuntimeException {
    public InvalidTokenException(String message) {
      super(message, null, false, false);
    }
  }
}
