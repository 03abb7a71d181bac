package switchboard.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.impl.jose.JWK;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.config.JwtConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The keys that may sign a platform JWT, node-wide: the HS256 secret, fixed PEM keys and, when
 * {@code jwt.jwksUrl} is set, an identity provider's JWK Set. The set is fetched without blocking, cached,
 * fetched again when a token names a {@code kid} it does not hold (at most once per
 * {@code jwksMinRefreshInterval}, so a flood of made-up kids cannot hammer the provider; concurrent misses
 * share one fetch) and when it is older than {@code jwksMaxAge}. Each key verifies only tokens whose header
 * {@code alg} is the key's own (the JWK's {@code alg}, or its type's default), and only public keys are
 * taken from a JWK Set: a symmetric key there would let anyone who reads the set mint tokens.
 *
 * <p>Checks signatures only; the claims (expiry, issuer, audience, lifetime) are {@link JwtVerifier}'s.
 */
public final class JwtKeys {

  private static final Logger LOG = LoggerFactory.getLogger(JwtKeys.class);
  /** A JWK Set larger than this is refused: real ones are a few kilobytes. */
  static final int MAX_JWKS_BYTES = 512 * 1024;

  private final Vertx vertx;
  private final JwtConfig config;
  private final HttpClient http;
  private final Context context;
  private final Object lock = new Object();
  private volatile KeySet keys;
  private Future<Void> fetching;
  private long lastFetchNanos;
  private boolean fetchedOnce;
  private long fetchCount;

  /** The verifying provider and, for the JWK Set's keys, each {@code kid}'s algorithm. */
  private record KeySet(JWTAuth auth, Map<String, String> algorithmByKid, long fetchedAtNanos, boolean empty) {
  }

  public JwtKeys(Vertx vertx, JwtConfig config) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.config = Objects.requireNonNull(config, "config");
    this.http = config.jwksUrl() == null ? null
        : vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
    this.context = vertx.getOrCreateContext();
    this.keys = build(List.of(), Map.of(), System.nanoTime());
  }

  /**
   * Fetches the JWK Set once, so the first tokens need not wait for it. Never fails: an identity provider that
   * is down at start-up is logged, and the set is fetched again when a token needs it.
   */
  public Future<Void> start() {
    if (http == null) {
      return Future.succeededFuture();
    }
    return refresh().recover(err -> Future.succeededFuture());
  }

  /** How many times the JWK Set was requested; tests use it to see the rate limit hold. */
  public long fetchCount() {
    synchronized (lock) {
      return fetchCount;
    }
  }

  /**
   * The claims of a token whose signature one of the keys verifies; exp/nbf/iat are left to the caller.
   * Fails with {@link JwtVerifier.InvalidTokenException}.
   */
  Future<JsonObject> verifySignature(String token, String alg, String kid) {
    KeySet current = keys;
    if (http != null) {
      String pinned = kid == null ? null : current.algorithmByKid().get(kid);
      if (pinned != null && !pinned.equals(alg)) {
        return Future.failedFuture(new JwtVerifier.InvalidTokenException(
            "token alg " + alg + " does not match the key's " + pinned));
      }
      if (kid != null && pinned == null) {
        return refreshForUnknownKid().compose(v -> {
          String after = keys.algorithmByKid().get(kid);
          if (after != null && !after.equals(alg)) {
            return Future.failedFuture(new JwtVerifier.InvalidTokenException(
                "token alg " + alg + " does not match the key's " + after));
          }
          return authenticate(keys, token);
        });
      }
      if (System.nanoTime() - current.fetchedAtNanos() > config.jwksMaxAge().toNanos()) {
        refreshIfIdle();
      }
    }
    return authenticate(current, token);
  }

  private static Future<JsonObject> authenticate(KeySet keySet, String token) {
    if (keySet.empty()) {
      // vertx-auth-jwt without any key accepts unsigned tokens: never ask it.
      return Future.failedFuture(new JwtVerifier.InvalidTokenException("no verification key loaded"));
    }
    return keySet.auth().authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(new JwtVerifier.InvalidTokenException(String.valueOf(err.getMessage()))))
        .map(JwtKeys::claims);
  }

  private static JsonObject claims(User user) {
    return user.attributes().getJsonObject("accessToken");
  }

  /**
   * A fetch for an unknown kid: joins one under way; skipped inside the minimum interval. Always succeeds:
   * the token is then checked against whatever keys are held.
   */
  private Future<Void> refreshForUnknownKid() {
    synchronized (lock) {
      if (fetching == null && fetchedOnce
          && System.nanoTime() - lastFetchNanos < config.jwksMinRefreshInterval().toNanos()) {
        return Future.succeededFuture();
      }
    }
    return refresh().recover(err -> Future.succeededFuture());
  }

  /** A background fetch of a stale set, under the same minimum interval (a provider that is down is not hammered). */
  private void refreshIfIdle() {
    synchronized (lock) {
      if (fetching != null || System.nanoTime() - lastFetchNanos < config.jwksMinRefreshInterval().toNanos()) {
        return;
      }
    }
    refresh();
  }

  private Future<Void> refresh() {
    Promise<Void> done = Promise.promise();
    synchronized (lock) {
      if (fetching != null) {
        return fetching;
      }
      fetching = done.future();
      lastFetchNanos = System.nanoTime();
      fetchedOnce = true;
      fetchCount++;
    }
    fetch().onComplete(ar -> {
      synchronized (lock) {
        fetching = null;
      }
      if (ar.succeeded()) {
        done.complete();
      } else {
        // Logged once per fetch, however many tokens were waiting on it.
        LOG.warn("JWK Set {} could not be fetched ({}); tokens signed by keys not held yet are refused",
            config.jwksUrl(), ar.cause().toString());
        done.fail(ar.cause());
      }
    });
    return done.future();
  }

  /**
   * GETs the set on the keys' own context: a token verified from any thread may trigger a fetch, and the
   * body handlers must be set on the connection's thread before the body arrives, or a small response can
   * end before anyone listens.
   */
  private Future<Void> fetch() {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(config.jwksUrl())
        .setIdleTimeout(10_000).putHeader("Accept", "application/json");
    Promise<Buffer> body = Promise.promise();
    context.runOnContext(v -> http.request(request).onComplete(sent -> {
      if (sent.failed()) {
        body.tryFail(sent.cause());
        return;
      }
      sent.result().send().onComplete(answered -> {
        if (answered.failed()) {
          body.tryFail(answered.cause());
          return;
        }
        HttpClientResponse response = answered.result();
        if (response.statusCode() != 200) {
          body.tryFail("HTTP " + response.statusCode());
          response.request().reset();
          return;
        }
        Buffer collected = Buffer.buffer();
        response.handler(chunk -> {
          if (collected.length() + chunk.length() > MAX_JWKS_BYTES) {
            body.tryFail("larger than " + MAX_JWKS_BYTES + " bytes");
            response.request().reset();
          } else {
            collected.appendBuffer(chunk);
          }
        });
        response.exceptionHandler(body::tryFail);
        response.endHandler(end -> body.tryComplete(collected));
      });
    }));
    return body.future().compose(this::install);
  }

  private Future<Void> install(Buffer body) {
    JsonArray jwks;
    try {
      jwks = new JsonObject(body).getJsonArray("keys");
    } catch (RuntimeException e) {
      return Future.failedFuture("not a JWK Set: " + e.getMessage());
    }
    if (jwks == null) {
      return Future.failedFuture("not a JWK Set: no \"keys\" array");
    }
    List<JsonObject> accepted = new ArrayList<>();
    Map<String, String> algorithmByKid = new HashMap<>();
    for (Object entry : jwks) {
      if (!(entry instanceof JsonObject jwk)) {
        continue;
      }
      String kty = jwk.getString("kty", "");
      String use = jwk.getString("use");
      if (!List.of("RSA", "EC", "OKP").contains(kty) || (use != null && !use.equals("sig"))) {
        continue;
      }
      try {
        JWK parsed = new JWK(jwk);
        if (parsed.publicKey() == null) {
          continue;
        }
        accepted.add(jwk);
        if (parsed.getId() != null) {
          algorithmByKid.put(parsed.getId(), parsed.getAlgorithm());
        }
      } catch (RuntimeException unsupported) {
        LOG.debug("JWK {} skipped: {}", jwk.getString("kid"), unsupported.getMessage());
      }
    }
    keys = build(accepted, algorithmByKid, System.nanoTime());
    LOG.info("JWK Set {} loaded: {} signing key(s) {}", config.jwksUrl(), accepted.size(), algorithmByKid);
    return Future.succeededFuture();
  }

  private KeySet build(List<JsonObject> jwks, Map<String, String> algorithmByKid, long fetchedAt) {
    // Expiry, issuer and audience are checked by JwtVerifier, per service, with the service's leeway.
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    if (config.hs256Secret() != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.hs256Secret()));
    }
    for (JwtConfig.PublicKey key : config.publicKeys()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.algorithm()).setBuffer(key.pem()));
    }
    options.setJwks(List.copyOf(jwks));
    boolean empty = config.hs256Secret() == null && config.publicKeys().isEmpty() && jwks.isEmpty();
    return new KeySet(JWTAuth.create(vertx, options), Map.copyOf(algorithmByKid), fetchedAt, empty);
  }
}
