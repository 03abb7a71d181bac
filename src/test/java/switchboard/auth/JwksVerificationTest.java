package switchboard.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.config.ConfigReader;
import switchboard.config.JwtConfig;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;
import static switchboard.testing.Await.failure;

/**
 * Verifies token checks against an identity provider's JWK Set served over real HTTP: key rotation picked up
 * on an unknown kid, each key pinned to its algorithm, exp required, lifetime capped, iss/aud enforced,
 * user and roles read from configured claims, and a flood of unknown kids unable to hammer the provider.
 */
class JwksVerificationTest {

  private Vertx vertx;
  private JwksIssuer idp;
  private static final RSAKey key1 = JwksIssuer.rsaKey("key-1");
  private static final RSAKey key2 = JwksIssuer.rsaKey("key-2");

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    idp = await(new JwksIssuer().start(vertx));
    idp.rotateTo(key1.toPublicJWK());
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  /** A verifier for the issuer's JWK Set; {@code jwt} entries override the defaults. */
  private JwtVerifier verifier(JsonObject jwt) {
    JsonObject section = new JsonObject().put("jwksUrl", idp.jwksUrl()).put("jwksMinRefreshIntervalMs", 0)
        .put("issuer", JwksIssuer.ISSUER).put("audience", "signal");
    jwt.forEach(e -> section.put(e.getKey(), e.getValue()));
    JwtConfig config = JwtConfig.read(new ConfigReader(section));
    JwtKeys keys = new JwtKeys(vertx, config);
    await(keys.start());
    return new JwtVerifier(keys, config.policy());
  }

  private static Map<String, Object> claims(long lifetimeSeconds) {
    long now = System.currentTimeMillis() / 1000;
    Map<String, Object> claims = new HashMap<>();
    claims.put("sub", "alice");
    claims.put("iss", JwksIssuer.ISSUER);
    claims.put("aud", "signal");
    claims.put("iat", now);
    claims.put("exp", now + lifetimeSeconds);
    return claims;
  }

  private static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
    Map<String, Object> out = new HashMap<>(claims);
    if (value == null) {
      out.remove(name);
    } else {
      out.put(name, value);
    }
    return out;
  }

  private static String refusal(Future<Principal> result) {
    Throwable cause = failure(result);
    assertThat(cause).isInstanceOf(JwtVerifier.InvalidTokenException.class);
    return cause.getMessage();
  }

  @Test
  void rotationToANewKidIsPickedUpByOneRefresh() {
    // GIVEN a verifier that loaded the provider's set holding key 1
    JwtVerifier verifier = verifier(new JsonObject());
    assertThat(idp.requests()).isEqualTo(1);

    // THEN a token signed by key 1 verifies, naming its user and expiry
    Map<String, Object> claims = claims(300);
    Principal alice = await(verifier.verify(JwksIssuer.sign(key1, claims)));
    assertThat(alice.userId()).isEqualTo("alice");
    assertThat(alice.expiresAt().getEpochSecond()).isEqualTo((Long) claims.get("exp"));

    // WHEN the provider rotates to key 2 and a token signed by key 2 arrives
    idp.rotateTo(key2.toPublicJWK());
    Principal rotated = await(verifier.verify(JwksIssuer.sign(key2, claims(300))));

    // THEN it verifies after exactly one more fetch, and key 1 (no longer published) is refused
    assertThat(rotated.userId()).isEqualTo("alice");
    assertThat(idp.requests()).isEqualTo(2);
    refusal(verifier.verify(JwksIssuer.sign(key1, claims(300))));
  }

  @Test
  void aFloodOfUnknownKidsFetchesTheSetAtMostOncePerInterval() {
    // GIVEN a verifier whose unknown-kid refreshes are at least a minute apart
    JwtVerifier verifier = verifier(new JsonObject().put("jwksMinRefreshIntervalMs", 60_000));
    int before = idp.requests();

    // WHEN 200 tokens with made-up kids arrive at once
    List<Future<Principal>> results = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RSAKey bogus = new RSAKey.Builder(key1).keyID("bogus-" + UUID.randomUUID()).build();
      results.add(verifier.verify(JwksIssuer.sign(bogus, claims(300))));
    }

    // THEN every one is refused and the provider was not asked again inside the interval
    results.forEach(JwksVerificationTest::refusal);
    assertThat(idp.requests()).isEqualTo(before);
    assertThat(verifier.keys().fetchCount()).isEqualTo(1);
    // AND a genuine token still verifies
    assertThat(await(verifier.verify(JwksIssuer.sign(key1, claims(300)))).userId()).isEqualTo("alice");
  }

  @Test
  void concurrentUnknownKidsShareOneFetch() {
    // GIVEN a verifier without a rate limit, and a rotation to key 2
    JwtVerifier verifier = verifier(new JsonObject());
    idp.rotateTo(key1.toPublicJWK(), key2.toPublicJWK());

    // WHEN 50 tokens signed by the new key arrive together
    List<Future<Principal>> results = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      results.add(verifier.verify(JwksIssuer.sign(key2, claims(300))));
    }

    // THEN all verify, and far fewer than 50 fetches were made (those arriving together join one)
    results.forEach(r -> assertThat(await(r).userId()).isEqualTo("alice"));
    assertThat(idp.requests()).isLessThanOrEqualTo(3);
  }

  @Test
  void eachKeyVerifiesOnlyItsOwnAlgorithm() throws Exception {
    JwtVerifier verifier = verifier(new JsonObject());
    // A token signed by key 1's RSA private key but declaring PS256 is refused: the JWK says RS256.
    assertThat(refusal(verifier.verify(JwksIssuer.sign(key1, JWSAlgorithm.PS256, claims(300)))))
        .contains("does not match");
    // HS256 keyed with the public key's bytes (the classic confusion) is refused too.
    byte[] publicBytes = key1.toRSAPublicKey().getEncoded();
    assertThat(refusal(verifier.verify(JwksIssuer.signHmac(publicBytes, "key-1", claims(300)))))
        .contains("does not match");
    // An EC key published as ES256 verifies ES256 tokens.
    ECKey ec = JwksIssuer.ecKey("ec-1");
    idp.rotateTo(key1.toPublicJWK(), ec.toPublicJWK());
    assertThat(await(verifier.verify(JwksIssuer.sign(ec, claims(300)))).userId()).isEqualTo("alice");
  }

  @Test
  void unsignedTokensAreRefusedEvenBeforeAnyKeyIsLoaded() {
    // GIVEN a provider that publishes nothing yet
    idp.rotateTo();
    JwtVerifier verifier = verifier(new JsonObject());
    String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
    String body = Base64.getUrlEncoder().withoutPadding().encodeToString(
        new JsonObject(claims(300)).encode().getBytes());
    // THEN neither form of an unsigned token passes
    refusal(verifier.verify(header + "." + body));
    refusal(verifier.verify(header + "." + body + "."));
    String rs256 = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"RS256\"}".getBytes());
    refusal(verifier.verify(rs256 + "." + body));
  }

  @Test
  void expIsRequiredAndTheLifetimeIsCapped() {
    JwtVerifier verifier = verifier(new JsonObject().put("maxTtlSeconds", 3600));
    long now = System.currentTimeMillis() / 1000;
    assertThat(refusal(verifier.verify(JwksIssuer.sign(key1, with(claims(300), "exp", null))))).contains("no exp");
    // exp - iat over the cap
    assertThat(refusal(verifier.verify(JwksIssuer.sign(key1, claims(3601))))).contains("lifetime");
    // without iat, exp - now over the cap
    assertThat(refusal(verifier.verify(JwksIssuer.sign(key1, with(claims(7200), "iat", null))))).contains("lifetime");
    // an old iat with a far exp is measured from iat
    Map<String, Object> longLived = with(with(claims(300), "iat", now - 7200), "exp", now + 60);
    assertThat(refusal(verifier.verify(JwksIssuer.sign(key1, longLived)))).contains("lifetime");
    // expired
    Map<String, Object> expired = with(with(claims(300), "iat", now - 120), "exp", now - 60);
    assertThat(refusal(verifier.verify(JwksIssuer.sign(key1, expired)))).contains("expired");
    // at the cap exactly it verifies
    assertThat(await(verifier.verify(JwksIssuer.sign(key1, claims(3600)))).userId()).isEqualTo("alice");
  }

  @Test
  void issuerAndAudienceMustMatch() {
    JwtVerifier verifier = verifier(new JsonObject());
    assertThat(refusal(verifier.verify(JwksIssuer.sign(key1, with(claims(300), "iss", "https://evil.test")))))
        .contains("issuer");
    assertThat(refusal(verifier.verify(JwksIssuer.sign(key1, with(claims(300), "iss", null))))).contains("issuer");
    assertThat(refusal(verifier.verify(JwksIssuer.sign(key1, with(claims(300), "aud", "wallet")))))
        .contains("audience");
    assertThat(refusal(verifier.verify(JwksIssuer.sign(key1, with(claims(300), "aud", null))))).contains("audience");
    // an aud list that includes the service's audience is accepted
    Map<String, Object> listed = with(claims(300), "aud", List.of("account", "signal"));
    assertThat(await(verifier.verify(JwksIssuer.sign(key1, listed))).userId()).isEqualTo("alice");
    // the same keys with another service's policy refuse the signal token
    JwtVerifier wallet = verifier.withPolicy(new JwtConfig.Policy(JwksIssuer.ISSUER, "wallet", "sub", "roles", 86_400, 0));
    assertThat(refusal(wallet.verify(JwksIssuer.sign(key1, claims(300))))).contains("audience");
  }

  @Test
  void userAndRolesComeFromConfiguredClaims() {
    // Keycloak: roles under realm_access.roles, user in preferred_username
    JwtVerifier keycloak = verifier(new JsonObject().put("rolesClaim", "realm_access.roles")
        .put("userIdClaim", "preferred_username"));
    Map<String, Object> kc = with(with(claims(300), "realm_access", Map.of("roles", List.of("pos", "offline_access"))),
        "preferred_username", "alice.kc");
    Principal p = await(keycloak.verify(JwksIssuer.sign(key1, kc)));
    assertThat(p.userId()).isEqualTo("alice.kc");
    assertThat(p.roles()).containsExactlyInAnyOrder("pos", "offline_access");
    // a token without the user claim is refused
    assertThat(refusal(keycloak.verify(JwksIssuer.sign(key1, claims(300))))).contains("preferred_username");

    // OAuth scope: one space-separated string
    JwtVerifier scoped = verifier(new JsonObject().put("rolesClaim", "scope"));
    Principal s = await(scoped.verify(JwksIssuer.sign(key1, with(claims(300), "scope", "openid pos  admin"))));
    assertThat(s.roles()).containsExactlyInAnyOrder("openid", "pos", "admin");

    // a claim whose name itself has dots (namespaced, as Auth0 requires) is read as one name
    JwtVerifier namespaced = verifier(new JsonObject().put("rolesClaim", "https://switchboard.test/roles"));
    Principal n = await(namespaced.verify(JwksIssuer.sign(key1,
        with(claims(300), "https://switchboard.test/roles", List.of("admin")))));
    assertThat(n.roles()).containsExactly("admin");
  }

  @Test
  void aProviderDownAtStartIsFetchedWhenATokenNeedsIt() {
    // GIVEN a verifier whose provider answered nothing at start (wrong path: 404)
    JwtConfig config = JwtConfig.read(new ConfigReader(new JsonObject()
        .put("jwksUrl", idp.jwksUrl().replace("/jwks", "/missing")).put("jwksMinRefreshIntervalMs", 0)));
    JwtKeys keys = new JwtKeys(vertx, config);
    await(keys.start());
    JwtVerifier verifier = new JwtVerifier(keys, config.policy());
    // THEN its tokens are refused, without failing the node's start
    refusal(verifier.verify(JwksIssuer.sign(key1, claims(300))));
    assertThat(keys.fetchCount()).isEqualTo(2);
  }
}
