package switchboard.securecall;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.auth.TokenMinter;
import switchboard.platform.Platform;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.securecall.SecureCallFixture.expect;
import static switchboard.securecall.SecureCallFixture.expectError;
import static switchboard.securecall.SecureCallFixture.frame;
import static switchboard.securecall.SecureCallFixture.p256;
import static switchboard.securecall.SecureCallFixture.sign;
import static switchboard.securecall.SecureCallFixture.spki;
import static switchboard.testing.Await.await;

/**
 * Verifies the directory's trust on first use: after the first key, only a signature by the stored key over
 * a fresh server challenge, or a token-proven registration, replaces it. Keys and signatures are made as a
 * browser's WebCrypto makes them: ECDSA P-256, SPKI export, raw r‖s signatures (DER is accepted too).
 */
class KeyTrustTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private Platform platform;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private static JsonObject register(String clientId, String publicKey) {
    return frame("PKD_REGISTER", new JsonObject().put("clientId", clientId).put("publicKey", publicKey));
  }

  private static String lookup(WsTestClient client, String clientId) {
    client.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", clientId)));
    return expect(client, "PKD_RESULT").getString("publicKey");
  }

  /**
   * Verifies that whoever registers a freed id cannot replace its key without the stored key's signature,
   * and that the owner replaces it by signing the challenge (raw and DER signatures both verify).
   */
  @Test
  void onlyTheStoredKeysSignatureOverTheChallengeReplacesIt() throws Exception {
    SecureCallVerticle v = SecureCallFixture.deploy(platform, SecureCallFixture.config(dataDir, new JsonObject()));
    KeyPair first = p256();
    KeyPair mallory = p256();
    WsTestClient alice = SecureCallFixture.registered(platform, v, "alice");
    alice.send(register("alice", spki(first)));
    expect(alice, "PKD_RESULT");
    await(alice.close());
    // GIVEN someone else registers the freed id "alice" (no token mode)
    WsTestClient impostor = SecureCallFixture.registered(platform, v, "alice");
    // WHEN they send their key, THEN they get a challenge, and a signature by their own key is refused
    impostor.send(register("alice", spki(mallory)));
    JsonObject challenge = expect(impostor, "PKD_CHALLENGE");
    assertThat(challenge.getString("clientId")).isEqualTo("alice");
    impostor.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", spki(mallory))
        .put("signature", sign(mallory, challenge.getString("nonce"), true))));
    expectError(impostor, "INVALID_SIGNATURE");
    // AND an answer with no open challenge is refused too
    impostor.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", spki(mallory))
        .put("signature", sign(first, "securecall-pkd-challenge:guessed", true))));
    expectError(impostor, "INVALID_SIGNATURE");
    assertThat(lookup(impostor, "alice")).isEqualTo(spki(first));
    await(impostor.close());

    // WHEN the owner comes back and signs the challenge with the stored key
    WsTestClient owner = SecureCallFixture.registered(platform, v, "alice");
    KeyPair second = p256();
    owner.send(register("alice", spki(second)));
    String nonce = expect(owner, "PKD_CHALLENGE").getString("nonce");
    owner.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", spki(second))
        .put("signature", sign(first, nonce, true))));
    // THEN the new key is stored
    assertThat(expect(owner, "PKD_RESULT").getString("publicKey")).isEqualTo(spki(second));
    assertThat(lookup(owner, "alice")).isEqualTo(spki(second));
    // AND a proof covers only the key that was challenged, and a DER signature works as well
    KeyPair third = p256();
    owner.send(register("alice", spki(third)));
    String next = expect(owner, "PKD_CHALLENGE").getString("nonce");
    owner.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", spki(mallory))
        .put("signature", sign(second, next, false))));
    expectError(owner, "INVALID_SIGNATURE");
    owner.send(register("alice", spki(third)));
    String again = expect(owner, "PKD_CHALLENGE").getString("nonce");
    assertThat(again).isNotEqualTo(next);
    owner.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", spki(third))
        .put("signature", sign(second, again, false))));
    assertThat(expect(owner, "PKD_RESULT").getString("publicKey")).isEqualTo(spki(third));
  }

  /** Verifies that a connection registered with a token for the id replaces the stored key without a challenge. */
  @Test
  void aTokenProvenRegistrationReplacesTheKey() throws Exception {
    SecureCallVerticle v = SecureCallFixture.deploy(platform, SecureCallFixture.config(dataDir,
        new JsonObject().put("requireToken", true)));
    TokenMinter minter = TestPlatform.minter(vertx);
    WsTestClient alice = SecureCallFixture.connect(platform, v);
    alice.send(frame("REGISTER", new JsonObject().put("clientId", "alice").put("token", minter.mint("alice", List.of(), 60))));
    expect(alice, "REGISTERED");
    alice.send(register("alice", spki(p256())));
    expect(alice, "PKD_RESULT");
    String replacement = spki(p256());
    alice.send(register("alice", replacement));
    assertThat(expect(alice, "PKD_RESULT").getString("publicKey")).isEqualTo(replacement);
    assertThat(lookup(alice, "alice")).isEqualTo(replacement);
  }
}
