package switchboard.securecall;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.config.ConfigReader;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.securecall.impl.KeyDirectory;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.securecall.SecureCallFixture.expect;
import static switchboard.securecall.SecureCallFixture.expectError;
import static switchboard.securecall.SecureCallFixture.frame;
import static switchboard.testing.Await.await;
import static switchboard.testing.Await.failure;

/** Verifies the public-key directory over the wire, and that it survives a restart of a single node. */
class KeyDirectoryTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;

  @AfterEach
  void tearDown() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private Platform start() {
    vertx = Vertx.vertx();
    return TestPlatform.single(vertx);
  }

  /**
   * Verifies register, lookup, that a different key is not stored without proof (a challenge comes back),
   * KEY_NOT_FOUND and that only your own clientId may be registered.
   */
  @Test
  void registerAndLookUpKeys() {
    Platform platform = start();
    SecureCallVerticle v = SecureCallFixture.deploy(platform, SecureCallFixture.config(dataDir,
        new JsonObject().put("maxPublicKeyChars", 100)));
    WsTestClient alice = SecureCallFixture.registered(platform, v, "alice");
    WsTestClient bob = SecureCallFixture.registered(platform, v, "bob");
    // WHEN alice registers her key, THEN she gets it back as confirmation and bob finds it
    alice.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", "BASE64-KEY-1")));
    assertThat(expect(alice, "PKD_RESULT")).isEqualTo(new JsonObject().put("clientId", "alice").put("publicKey", "BASE64-KEY-1"));
    bob.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", "alice")));
    assertThat(expect(bob, "PKD_RESULT")).isEqualTo(new JsonObject().put("clientId", "alice").put("publicKey", "BASE64-KEY-1"));
    // WHEN she registers the same key again, THEN it is confirmed
    alice.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", "BASE64-KEY-1")));
    expect(alice, "PKD_RESULT");
    // WHEN she sends another key without proof, THEN she is challenged and the stored key stays
    alice.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", "BASE64-KEY-2")));
    assertThat(expect(alice, "PKD_CHALLENGE").getString("nonce")).startsWith("securecall-pkd-challenge:");
    bob.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", "alice")));
    assertThat(expect(bob, "PKD_RESULT").getString("publicKey")).isEqualTo("BASE64-KEY-1");
    // AND unknown keys, other people's ids and bad keys are refused
    alice.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", "carol")));
    expectError(alice, "KEY_NOT_FOUND");
    bob.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", "MALLORY")));
    expectError(bob, "INVALID_CLIENT_ID");
    bob.send(frame("PKD_REGISTER", new JsonObject().put("publicKey", "K")));
    expectError(bob, "INVALID_CLIENT_ID");
    for (Object bad : new Object[] {"", 42, new JsonObject(), "k".repeat(101)}) {
      bob.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "bob").put("publicKey", bad)));
      expectError(bob, "INVALID_MESSAGE");
    }
    bob.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", "alice")));
    assertThat(expect(bob, "PKD_RESULT").getString("publicKey")).isEqualTo("BASE64-KEY-1");
  }

  /** Verifies that keys registered before a node restart are found after it (same data directory). */
  @Test
  void keysSurviveARestartOfTheNode() {
    // GIVEN a node where alice registered a key
    Platform first = start();
    SecureCallConfig config = SecureCallFixture.config(dataDir, new JsonObject());
    SecureCallVerticle v1 = SecureCallFixture.deploy(first, config);
    WsTestClient alice = SecureCallFixture.registered(first, v1, "alice");
    alice.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", "PERSISTED-KEY")));
    expect(alice, "PKD_RESULT");
    // WHEN the whole node (Vert.x and all) stops and a new one starts on the same data directory
    await(vertx.close());
    assertThat(Files.exists(dataDir.resolve(KeyDirectory.FILE))).isTrue();
    Platform second = start();
    SecureCallVerticle v2 = SecureCallFixture.deploy(second, config);
    // THEN the key is found
    WsTestClient bob = SecureCallFixture.registered(second, v2, "bob");
    bob.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", "alice")));
    assertThat(expect(bob, "PKD_RESULT").getString("publicKey")).isEqualTo("PERSISTED-KEY");
  }

  /** Verifies that a second node on a data directory in use fails to start with a sentence naming the key. */
  @Test
  void sharedDataDirectoryIsRefused() {
    Platform platform = start();
    SecureCallFixture.deploy(platform, SecureCallFixture.config(dataDir, new JsonObject()));
    Throwable refused = failure(platform.vertx().deployVerticle(
        new SecureCallVerticle(platform, SecureCallFixture.config(dataDir, new JsonObject()))));
    assertThat(refused).hasMessageContaining("securecall.dataDir");
  }

  /** Verifies that the default data directory follows the port, so nodes with a port offset do not share one. */
  @Test
  void defaultDataDirectoryFollowsThePort() {
    assertThat(SecureCallConfig.read(new ConfigReader(new JsonObject().put("port", 8091)), Profile.DEV,
        () -> "dev-turn-secret").dataDir())
        .isEqualTo(Path.of("data/securecall-8091"));
  }
}
