package switchboard.signal;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import switchboard.signal.SignalTestSupport.Peer;
import switchboard.signal.client.EncryptedWebSocketClient;
import switchboard.signal.client.EncryptedWebSocketClientOptions;
import switchboard.testing.TestPlatform;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Verifies Signal's token expiry and refresh through real sockets with tokens that live two seconds: the
 * expired session is closed with 4002; an encrypted {@code refresh} with the same user's fresh token keeps
 * it open past the first expiry; another user's token, or a plaintext refresh, is refused.
 */
@ExtendWith(VertxExtension.class)
class SignalTokenRefreshTest {

  private static final int SHORT_TTL_SECONDS = 2;

  private Vertx vertx;
  private int port;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    port = SignalTestSupport.deploy(TestPlatform.single(vertx), new JsonObject()).actualPort();
  }

  private String token(String user, long ttlSeconds) {
    return TestPlatform.minter(vertx).mint(user, List.of(), ttlSeconds);
  }

  /** Completes once {@code instant} has passed, plus a second and a half for the sweep. */
  private Future<Void> pastExpiry(Instant instant) {
    Promise<Void> passed = Promise.promise();
    long delay = Math.max(1, instant.toEpochMilli() - System.currentTimeMillis()) + 1500;
    vertx.setTimer(delay, id -> passed.complete());
    return passed.future();
  }

  @Test
  void expiredSessionIsClosedWith4002() {
    // GIVEN a session authenticated with a two-second token
    Peer peer = Peer.authenticated(vertx, port, token("alice", SHORT_TTL_SECONDS));
    // THEN it is closed with 4002 after the token expired
    assertThat(await(peer.ws.closed(), 10)).isEqualTo((short) 4002);
  }

  @Test
  void refreshedSessionStaysOpenPastTheFirstExpiry() {
    // GIVEN a session authenticated with a two-second token
    Instant firstExpiry = Instant.ofEpochSecond(Instant.now().getEpochSecond() + SHORT_TTL_SECONDS);
    Peer peer = Peer.authenticated(vertx, port, token("alice", SHORT_TTL_SECONDS));
    // WHEN it sends a fresh token of the same user, encrypted
    peer.sendEncrypted("refresh", new JsonObject().put("token", token("alice", 60)));
    // THEN the server answers refreshed, encrypted, with the new expiry
    JsonObject refreshed = peer.nextDecrypted();
    assertThat(refreshed.getString("event")).isEqualTo("refreshed");
    assertThat(Instant.parse(refreshed.getJsonObject("data").getString("expiresAt"))).isAfter(firstExpiry.plusSeconds(30));
    // AND the session still answers after the first token's expiry has passed
    await(pastExpiry(firstExpiry), 10);
    peer.expectNothingElse();
    assertThat(peer.ws.isClosed()).isFalse();
  }

  @Test
  void refreshWithAnotherUsersTokenIsRefusedAndTheSessionStillExpires() {
    // GIVEN a session of alice authenticated with a two-second token
    Peer peer = Peer.authenticated(vertx, port, token("alice", SHORT_TTL_SECONDS));
    // WHEN it presents bob's token
    peer.sendEncrypted("refresh", new JsonObject().put("token", token("bob", 60)));
    // THEN it is refused, and the session is closed with 4002 when alice's token expires
    assertThat(peer.nextError().getString("code")).isEqualTo("REFRESH_REFUSED");
    assertThat(await(peer.ws.closed(), 10)).isEqualTo((short) 4002);
  }

  @Test
  void plaintextRefreshOnAnEncryptedSessionIsRefused() {
    // GIVEN an encrypted session
    Peer peer = Peer.authenticated(vertx, port, token("alice", 60));
    // WHEN it sends refresh in plaintext
    peer.send("refresh", new JsonObject().put("token", token("alice", 120)));
    // THEN the token is not taken: ENCRYPTION_REQUIRED
    assertThat(peer.nextError().getString("code")).isEqualTo("ENCRYPTION_REQUIRED");
  }

  @Test
  void sdkUpdateTokenRefreshesTheLiveSession() {
    // GIVEN an SDK client connected with a short token, after one connect that loads the SDK's classes
    // (on a busy machine the first one can take longer than the short token lives)
    EncryptedWebSocketClient warmUp = sdk(token("carol", 3600));
    await(warmUp.connect());
    await(warmUp.close());
    long ttl = 2L * SHORT_TTL_SECONDS;
    Instant firstExpiry = Instant.ofEpochSecond(Instant.now().getEpochSecond() + ttl);
    EncryptedWebSocketClient sdk = sdk(token("carol", ttl));
    Promise<Object> refreshed = Promise.promise();
    Promise<Integer> disconnected = Promise.promise();
    sdk.on("refreshed", refreshed::tryComplete);
    sdk.disconnectHandler(disconnected::tryComplete);
    await(sdk.connect());
    // WHEN the application hands it a fresh token
    sdk.updateToken(token("carol", 60));
    // THEN the server confirms, and the session outlives the first token
    assertThat(await(refreshed.future())).isInstanceOf(JsonObject.class);
    await(pastExpiry(firstExpiry), 10);
    assertThat(await(sdk.joinRooms(List.of("ws-default")))).containsExactly("ws-default");
    assertThat(sdk.isConnected()).isTrue();
    assertThat(disconnected.future().isComplete()).isFalse();
    await(sdk.close());
  }

  private EncryptedWebSocketClient sdk(String token) {
    return new EncryptedWebSocketClient(vertx, new EncryptedWebSocketClientOptions()
        .setUrl("ws://127.0.0.1:" + port + "/ws").setEcdhInfo(SignalTestSupport.INFO)
        .setToken(token).setReconnect(false));
  }
}
