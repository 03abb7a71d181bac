package switchboard.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.Collection;

/** Mints HS256 JWTs with a shared secret: used by {@code scripts/dev-token}, the benchmarks and the tests. */
public final class TokenMinter {

  private final JWTAuth auth;

  public TokenMinter(Vertx vertx, String hs256Secret) {
    this.auth = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(hs256Secret)));
  }

  public String mint(String subject, Collection<String> roles, long ttlSeconds) {
    return mint(new JsonObject().put("roles", new JsonArray(roles.stream().toList())), subject, ttlSeconds);
  }

  /** Mints a token carrying {@code claims}; a non-positive ttl makes one that has already expired. */
  public String mint(JsonObject claims, String subject, long ttlSeconds) {
    JsonObject body = claims.copy().put("sub", subject);
    long now = System.currentTimeMillis() / 1000;
    body.put("iat", now).put("exp", now + ttlSeconds);
    return auth.generateToken(body, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }
}
