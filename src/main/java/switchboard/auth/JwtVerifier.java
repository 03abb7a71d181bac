package switchboard.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import switchboard.config.JwtConfig;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies platform JWTs with vertx-auth-jwt: signature (HS256 secret, RS256/ES256 keys), exp and nbf,
 * optional issuer and audience. One instance is shared by every service of a node.
 */
public final class JwtVerifier {

  private final JWTAuth auth;

  public JwtVerifier(Vertx vertx, JwtConfig config) {
    JWTOptions jwtOptions = new JWTOptions().setLeeway(config.leewaySeconds());
    if (config.issuer() != null) {
      jwtOptions.setIssuer(config.issuer());
    }
    if (config.audience() != null) {
      jwtOptions.setAudience(List.of(config.audience()));
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(jwtOptions)
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.hs256Secret()));
    for (JwtConfig.PublicKey key : config.publicKeys()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.algorithm()).setBuffer(key.pem()));
    }
    this.auth = JWTAuth.create(vertx, options);
  }

  /** Fails with {@link InvalidTokenException} for any token that is not valid now. */
  public Future<Principal> verify(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(new InvalidTokenException("missing token"));
    }
    return auth.authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(new InvalidTokenException(err.getMessage())))
        .compose(user -> {
          JsonObject claims = user.principal();
          String sub = claims.getString("sub");
          if (sub == null || sub.isEmpty()) {
            return Future.failedFuture(new InvalidTokenException("token has no sub"));
          }
          return Future.succeededFuture(new Principal(sub, roles(claims), claims.getLong("exp", 0L), claims));
        });
  }

  private static Set<String> roles(JsonObject claims) {
    Object value = claims.getValue("roles");
    Set<String> roles = new HashSet<>();
    if (value instanceof JsonArray array) {
      for (Object o : array) {
        if (o instanceof String s) {
          roles.add(s);
        }
      }
    } else if (value instanceof String s) {
      roles.add(s);
    }
    return Set.copyOf(roles);
  }

  /** A token that is missing, malformed, badly signed, expired or not yet valid. */
  public static final class InvalidTokenException extends RuntimeException {
    public InvalidTokenException(String message) {
      super(message, null, false, false);
    }
  }
}
