package switchboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An identity provider for tests, built with Nimbus JOSE + JWT (independent of the vertx-auth code under
 * test): it publishes a JWK Set on a real Vert.x HTTP server on an ephemeral port and signs tokens with the
 * private halves. {@link #rotateTo} replaces the published set, as a provider does when it rotates keys.
 */
public final class JwksIssuer {

  public static final String ISSUER = "https://idp.example.test/realms/switchboard";

  private final AtomicInteger requests = new AtomicInteger();
  private volatile JWKSet published = new JWKSet();
  private HttpServer server;

  public static RSAKey rsaKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).algorithm(JWSAlgorithm.RS256).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ECKey ecKey(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).algorithm(JWSAlgorithm.ES256).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public Future<JwksIssuer> start(Vertx vertx) {
    return vertx.createHttpServer().requestHandler(req -> {
      requests.incrementAndGet();
      if (!req.path().equals("/jwks")) {
        req.response().setStatusCode(404).end();
        return;
      }
      req.response().putHeader("Content-Type", "application/json").end(published.toString(true));
    }).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  public String jwksUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/jwks";
  }

  /** Publishes exactly these keys (their public halves). */
  public void rotateTo(JWK... keys) {
    published = new JWKSet(List.of(keys));
  }

  public int requests() {
    return requests.get();
  }

  /** A token signed by {@code key} with its own algorithm, carrying {@code claims}. */
  public static String sign(JWK key, Map<String, Object> claims) {
    JWSAlgorithm alg = JWSAlgorithm.parse(key.getAlgorithm().getName());
    return sign(key, alg, claims);
  }

  /** A token signed by {@code key} under a chosen header {@code alg} (for algorithm-confusion attempts). */
  public static String sign(JWK key, JWSAlgorithm alg, Map<String, Object> claims) {
    try {
      JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
      return sign(signer, new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HS256 token whose HMAC key is {@code secret} and whose header names {@code kid}. */
  public static String signHmac(byte[] secret, String kid, Map<String, Object> claims) {
    try {
      return sign(new MACSigner(secret), new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(JWSSigner signer, JWSHeader header, Map<String, Object> claims) throws JOSEException {
    JWTClaimsSet.Builder body = new JWTClaimsSet.Builder();
    claims.forEach(body::claim);
    SignedJWT jwt = new SignedJWT(header, body.build());
    jwt.sign(signer);
    return jwt.serialize();
  }
}
