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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.securecall.SecureCallFixture.expect;
import static switchboard.securecall.SecureCallFixture.expectError;
import static switchboard.securecall.SecureCallFixture.expectNothingElse;
import static switchboard.securecall.SecureCallFixture.frame;
import static switchboard.testing.Await.await;

/**
 * Verifies how a reconnecting client gets its clientId back from a connection that still holds it: at once
 * with a token, after a failed liveness probe without one, never from a connection that answers; and the
 * server's own ping frames.
 */
class SecureCallTakeoverTest {

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

  private SecureCallVerticle deploy(JsonObject overrides) {
    return SecureCallFixture.deploy(platform, SecureCallFixture.config(dataDir, overrides));
  }

  /** A client that upgrades and registers but, like a phone that changed network, never answers a ping. */
  private RawWsClient halfOpen(SecureCallVerticle v, String clientId) {
    RawWsClient raw = await(RawWsClient.connect(vertx, v.actualPort(), SecureCallConfig.PATH));
    raw.send(frame("REGISTER", new JsonObject().put("clientId", clientId)));
    assertThat(await(raw.nextJson()).getString("type")).isEqualTo("REGISTERED");
    return raw;
  }

  /** Verifies that in token mode a REGISTER whose token proves the id takes it over at once; the old one closes 4004. */
  @Test
  void tokenProvenRegisterReplacesTheHolderAtOnce() {
    SecureCallVerticle v = deploy(new JsonObject().put("requireToken", true));
    TokenMinter minter = TestPlatform.minter(vertx);
    WsTestClient old = SecureCallFixture.connect(platform, v);
    old.send(frame("REGISTER", new JsonObject().put("clientId", "alice").put("token", minter.mint("alice", List.of(), 60))));
    expect(old, "REGISTERED");
    WsTestClient bob = SecureCallFixture.connect(platform, v);
    bob.send(frame("REGISTER", new JsonObject().put("clientId", "bob").put("token", minter.mint("bob", List.of(), 60))));
    expect(bob, "REGISTERED");
    // WHEN a new connection registers alice with alice's token while the old one is alive and answering
    WsTestClient fresh = SecureCallFixture.connect(platform, v);
    long started = System.nanoTime();
    fresh.send(frame("REGISTER", new JsonObject().put("clientId", "alice").put("token", minter.mint("alice", List.of(), 60))));
    // THEN it is registered without waiting for a probe, and the old connection is closed with 4004
    assertThat(expect(fresh, "REGISTERED").getString("clientId")).isEqualTo("alice");
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(SecureCallHandler.PROBE_WINDOW_MS);
    assertThat(await(old.closed())).isEqualTo((short) SecureCallProtocol.CLOSE_REPLACED);
    // AND alice's calls now reach the new connection
    bob.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "alice").put("sdpOffer", "o")));
    assertThat(expect(fresh, "INCOMING_CALL").getString("callerId")).isEqualTo("bob");
  }

  /**
   * Verifies that without a token a REGISTER for an id held by a socket that does not answer a ping within
   * 2 s gets REGISTERED, and the silent socket is closed and released (its call ends for the peer).
   */
  @Test
  void holderThatFailsTheLivenessProbeIsReplaced() {
    SecureCallVerticle v = deploy(new JsonObject());
    RawWsClient phone = halfOpen(v, "alice");
    WsTestClient bob = SecureCallFixture.registered(platform, v, "bob");
    bob.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "alice").put("sdpOffer", "o")));
    String callId = await(phone.nextJson()).getJsonObject("payload").getString("callId");
    expect(bob, "CALL_INITIATED");
    // WHEN the phone reconnects on a new socket and registers again
    WsTestClient reconnected = SecureCallFixture.connect(platform, v);
    long started = System.nanoTime();
    reconnected.send(frame("REGISTER", new JsonObject().put("clientId", "alice")));
    // THEN the old socket was pinged, did not answer, and the new one is registered after the probe window
    assertThat(await(phone.next(f -> f.opcode() == RawWsClient.PING))).isNotNull();
    assertThat(expect(reconnected, "REGISTERED").getString("clientId")).isEqualTo("alice");
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(SecureCallHandler.PROBE_WINDOW_MS);
    assertThat(await(phone.closeCode())).isEqualTo(SecureCallProtocol.CLOSE_REPLACED);
    // AND the old socket's call ended for bob, and alice is reachable on the new socket
    JsonObject ended = expect(bob, "CALL_ENDED");
    assertThat(ended.getString("callId")).isEqualTo(callId);
    assertThat(ended.getString("reason")).isEqualTo("disconnected");
    bob.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "alice").put("sdpOffer", "o2")));
    assertThat(expect(reconnected, "INCOMING_CALL").getString("sdpOffer")).isEqualTo("o2");
  }

  /** Verifies that a holder that answers the probe's ping keeps its id: the newcomer gets CLIENT_ID_TAKEN. */
  @Test
  void holderThatAnswersTheProbeKeepsItsId() {
    SecureCallVerticle v = deploy(new JsonObject());
    WsTestClient holder = SecureCallFixture.registered(platform, v, "alice");
    WsTestClient contender = SecureCallFixture.connect(platform, v);
    contender.send(frame("REGISTER", new JsonObject().put("clientId", "alice")));
    expectError(contender, "CLIENT_ID_TAKEN");
    expectNothingElse(holder);
    assertThat(holder.isClosed()).isFalse();
  }

  /** Verifies that the server sends WebSocket ping frames every ping interval, without any message from the client. */
  @Test
  void serverPingsEveryInterval() {
    SecureCallVerticle v = deploy(new JsonObject().put("ws", new JsonObject().put("pingIntervalMs", 200)));
    RawWsClient raw = halfOpen(v, "alice");
    for (int i = 0; i < 3; i++) {
      assertThat(await(raw.next(f -> f.opcode() == RawWsClient.PING)).opcode()).isEqualTo(RawWsClient.PING);
    }
    assertThat(SecureCallConfig.DEFAULT_WS.pingInterval().toSeconds()).isEqualTo(30);
  }
}
