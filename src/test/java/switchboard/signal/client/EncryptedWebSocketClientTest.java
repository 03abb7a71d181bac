package switchboard.signal.client;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.config.ConfigReader;
import switchboard.platform.Platform;
import switchboard.platform.Profile;
import switchboard.signal.SignalConfig;
import switchboard.signal.SignalTestSupport;
import switchboard.signal.SignalVerticle;
import switchboard.signal.client.EncryptedWebSocketClient.ConnectedInfo;
import switchboard.signal.client.EncryptedWebSocketClient.ReconnectAttempt;
import switchboard.testing.TestCluster;
import switchboard.testing.TestPlatform;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;
import static switchboard.testing.Await.failure;

/** Verifies the Java client SDK end to end against a real Signal server. */
class EncryptedWebSocketClientTest {

  private Vertx vertx;
  private Platform platform;
  private int port;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
    JsonObject conf = new JsonObject().put("host", "127.0.0.1").put("port", 0)
        .put("ws", new JsonObject().put("idleTimeoutMs", 500));
    SignalVerticle verticle = new SignalVerticle(platform, SignalConfig.read(new ConfigReader(conf), Profile.DEV));
    await(vertx.deployVerticle(verticle));
    port = verticle.actualPort();
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private String token(String user, String... roles) {
    return TestPlatform.minter(vertx).mint(user, List.of(roles), 3600);
  }

  private EncryptedWebSocketClientOptions options(String token) {
    return new EncryptedWebSocketClientOptions().setUrl("ws://127.0.0.1:" + port + "/ws").setToken(token)
        .setReconnectIntervalMs(20).setHeartbeatIntervalMs(150);
  }

  private int restSend(String path, JsonObject body) {
    return await(SignalTestSupport.rest(vertx, HttpMethod.POST, port, "/v1/api/socket/websocket/clients" + path,
        token("ops", "service"), body)).body().getInteger("recipients", -1);
  }

  /** Verifies authenticate → connected → auto-join → REST room send → decrypted event, and an encrypted send inbound. */
  @Test
  void endToEndRoomSendIsDecryptedByTheClient() {
    Promise<JsonObject> inbound = Promise.promise();
    await(vertx.eventBus().<JsonObject>consumer(Addresses.SIGNAL_INBOUND, m -> inbound.tryComplete(m.body())).completion());
    // GIVEN a POS client that auto-joins ws-orders
    EncryptedWebSocketClient client = new EncryptedWebSocketClient(vertx,
        options(token("till-7", "pos")).setAutoJoinRooms(List.of("ws-orders")));
    Promise<Object> joined = Promise.promise();
    Promise<Object> order = Promise.promise();
    client.on("join", joined::tryComplete);
    client.on("order.new", order::tryComplete);
    // WHEN it connects
    ConnectedInfo info = await(client.connect());
    assertThat(info.userId()).isEqualTo("till-7");
    assertThat(client.isConnected()).isTrue();
    assertThat(((JsonObject) await(joined.future())).getJsonArray("rooms")).containsExactly("ws-orders");
    // AND a backend sends to the room over REST
    assertThat(restSend("/rooms/ws-orders/send", new JsonObject().put("topic", "order.new")
        .put("data", new JsonObject().put("orderId", "67890")))).isEqualTo(1);
    // THEN the handler gets the decrypted data
    assertThat(await(order.future())).isEqualTo(new JsonObject().put("orderId", "67890"));
    // AND what the client sends reaches the bus decrypted
    await(client.send("pos.ping", new JsonObject().put("n", 1)));
    JsonObject in = await(inbound.future());
    assertThat(in.getString("event")).isEqualTo("pos.ping");
    assertThat(in.getString("clientId")).isEqualTo(info.id());
    // AND heartbeats keep it alive past the server's (shortened) idle timeout
    await(vertx.timer(1200));
    assertThat(client.isConnected()).isTrue();
    await(client.close());
    assertThat(client.state()).isEqualTo(EncryptedWebSocketClient.State.CLOSED);
  }

  /** Verifies that send and joinRooms are refused before authentication. */
  @Test
  void sendIsRefusedBeforeAuthentication() {
    EncryptedWebSocketClient client = new EncryptedWebSocketClient(vertx, options(token("a")));
    assertThat(failure(client.send("x", 1))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("encryption not established");
    assertThat(failure(client.joinRooms(List.of("ws-orders")))).isInstanceOf(IllegalStateException.class);
  }

  /**
   * Verifies that after a server-side disconnect the client reconnects with a new key pair (new server key and
   * salt), the updated token, its rooms re-joined, and a retry count that restarts at 1.
   */
  @Test
  void reconnectsWithFreshKeysUpdatedTokenAndRooms() {
    EncryptedWebSocketClient client = new EncryptedWebSocketClient(vertx, options(token("till-1", "pos")));
    List<ConnectedInfo> connects = new CopyOnWriteArrayList<>();
    List<ReconnectAttempt> attempts = new CopyOnWriteArrayList<>();
    client.connectedHandler(connects::add).reconnectScheduledHandler(attempts::add);
    ConnectedInfo first = await(client.connect());
    assertThat(await(client.joinRooms(List.of("ws-payment", "ws-nope")))).containsExactly("ws-payment");
    for (int round = 1; round <= 2; round++) {
      client.updateToken(token("till-" + (round + 1), "pos"));
      Promise<Object> rejoined = Promise.promise();
      client.on("join", rejoined::tryComplete);
      // WHEN the server disconnects it
      assertThat(restSendDisconnect(connects.get(connects.size() - 1).id())).isTrue();
      // THEN it comes back with fresh handshake material and its rooms
      await(rejoined.future());
      ConnectedInfo now = connects.get(connects.size() - 1);
      assertThat(connects).hasSize(round + 1);
      assertThat(now.userId()).isEqualTo("till-" + (round + 1));
      assertThat(now.serverPublicKey()).isNotEqualTo(first.serverPublicKey());
      assertThat(now.salt()).isNotEqualTo(first.salt());
      assertThat(now.id()).isNotEqualTo(first.id());
      Promise<Object> paid = Promise.promise();
      client.on("payment.success", paid::tryComplete);
      assertThat(restSend("/rooms/ws-payment/send", new JsonObject().put("topic", "payment.success").put("data", round)))
          .isEqualTo(1);
      assertThat(await(paid.future())).isEqualTo(round);
    }
    assertThat(attempts).containsExactly(new ReconnectAttempt(1, 20), new ReconnectAttempt(1, 20));
    await(client.close());
  }

  /**
   * Verifies that after a disconnect the SDK resumes its room with recover: the messages sent while it was
   * away arrive once, in order, before the recovery outcome, and a new client seeded with a saved position
   * gets the rest of the window.
   */
  @Test
  void resumesItsRoomsOnReconnect() {
    EncryptedWebSocketClient client = new EncryptedWebSocketClient(vertx, options(token("till-1"))
        .setReconnectIntervalMs(1500));
    List<Object> got = new CopyOnWriteArrayList<>();
    List<EncryptedWebSocketClient.Recovery> recoveries = new CopyOnWriteArrayList<>();
    client.on("tick", got::add).recoveryHandler(recoveries::add);
    Promise<Object> reconnected = Promise.promise();
    Promise<Object> second = Promise.promise();
    client.on("tick", data -> {
      if (data.equals(2)) {
        second.tryComplete();
      }
    });
    ConnectedInfo first = await(client.connect());
    for (int i = 1; i <= 2; i++) {
      restSend("/rooms/ws-default/send", new JsonObject().put("topic", "tick").put("data", i));
    }
    await(second.future());
    // WHEN the server drops it and three messages go out before it is back
    client.on("recovered", reconnected::tryComplete);
    assertThat(restSendDisconnect(first.id())).isTrue();
    for (int i = 3; i <= 5; i++) {
      restSend("/rooms/ws-default/send", new JsonObject().put("topic", "tick").put("data", i));
    }
    // THEN it resumes: 3, 4, 5 replayed, then the outcome
    await(reconnected.future());
    assertThat(got).containsExactly(1, 2, 3, 4, 5);
    assertThat(recoveries).containsExactly(new EncryptedWebSocketClient.Recovery("ws-default", true, 3, null));
    EncryptedWebSocketClient.RoomPosition position = await(client.positions()).get("ws-default");
    assertThat(position.offset()).isEqualTo(5);
    // AND a new client resuming from offset 3 of that epoch gets 4 and 5
    EncryptedWebSocketClient restarted = new EncryptedWebSocketClient(vertx, options(token("till-1")))
        .resumeFrom("ws-default", new EncryptedWebSocketClient.RoomPosition(position.epoch(), 3));
    List<Object> replayed = new CopyOnWriteArrayList<>();
    Promise<Object> done = Promise.promise();
    restarted.on("tick", replayed::add).on("recovered", done::tryComplete);
    await(restarted.connect());
    await(done.future());
    assertThat(replayed).containsExactly(4, 5);
    await(restarted.close());
    await(client.close());
  }

  private boolean restSendDisconnect(String clientId) {
    return await(SignalTestSupport.rest(vertx, HttpMethod.POST, port,
        "/v1/api/socket/websocket/clients/" + clientId + "/disconnect", token("ops", "admin"), null)).status() == 200;
  }

  /**
   * Verifies that a client given several urls moves on to the next one when its server goes away, as the
   * clients of a dead cluster node do, and that the next server serves it.
   */
  @Test
  void reconnectsToTheNextUrlWhenItsServerIsGone() {
    // GIVEN a second Signal server on a node of its own, listed first, then this test's server
    Vertx doomed = Vertx.vertx();
    JsonObject conf = new JsonObject().put("host", "127.0.0.1").put("port", 0);
    SignalVerticle first = new SignalVerticle(TestPlatform.single(doomed), SignalConfig.read(new ConfigReader(conf), Profile.DEV));
    await(doomed.deployVerticle(first));
    EncryptedWebSocketClient client = new EncryptedWebSocketClient(vertx, options(token("till-9", "pos"))
        .setUrls(List.of("ws://127.0.0.1:" + first.actualPort() + "/ws", "ws://127.0.0.1:" + port + "/ws")));
    List<ConnectedInfo> connects = new CopyOnWriteArrayList<>();
    client.connectedHandler(connects::add);
    await(client.connect());
    assertThat(await(client.joinRooms(List.of("ws-payment")))).containsExactly("ws-payment");
    Promise<Object> rejoined = Promise.promise();
    client.on("join", rejoined::tryComplete);

    // WHEN the first server's node goes away
    await(doomed.close());

    // THEN the client connects to the second server, re-joins its room there, and gets that server's sends
    await(rejoined.future());
    assertThat(connects).hasSize(2);
    Promise<Object> paid = Promise.promise();
    client.on("payment.success", paid::tryComplete);
    assertThat(restSend("/rooms/ws-payment/send", new JsonObject().put("topic", "payment.success").put("data", 7)))
        .isEqualTo(1);
    assertThat(await(paid.future())).isEqualTo(7);
    await(client.close());
  }

  /** Verifies the backoff schedule actually used and reconnect_failed after maxRetries consecutive failures. */
  @Test
  void emitsReconnectFailedAfterMaxRetriesWithBackoff() {
    int deadPort = TestCluster.freePorts(1).get(0);
    EncryptedWebSocketClient client = new EncryptedWebSocketClient(vertx, new EncryptedWebSocketClientOptions()
        .setUrl("ws://127.0.0.1:" + deadPort + "/ws").setToken("t")
        .setReconnectIntervalMs(10).setBackoffMultiplier(2).setMaxReconnectIntervalMs(50).setMaxRetries(4));
    List<ReconnectAttempt> attempts = new CopyOnWriteArrayList<>();
    Promise<Object> failed = Promise.promise();
    client.reconnectScheduledHandler(attempts::add);
    client.on(EncryptedWebSocketClient.RECONNECT_FAILED, failed::tryComplete);
    assertThat(failure(client.connect())).hasMessageContaining("could not connect");
    await(failed.future());
    assertThat(attempts).containsExactly(new ReconnectAttempt(1, 10), new ReconnectAttempt(2, 20),
        new ReconnectAttempt(3, 40), new ReconnectAttempt(4, 50));
    assertThat(client.state()).isEqualTo(EncryptedWebSocketClient.State.DISCONNECTED);
  }

  /** Verifies that the SDK refuses a server without encryption unless told otherwise, and then works in plaintext. */
  @Test
  void encryptionOffServerNeedsRequireEncryptionOff() {
    // a node of its own: one Signal service per node
    Vertx other = Vertx.vertx();
    JsonObject conf = new JsonObject().put("host", "127.0.0.1").put("port", 0).put("encryption", false);
    SignalVerticle plain = new SignalVerticle(TestPlatform.single(other),
        SignalConfig.read(new ConfigReader(conf), Profile.DEV));
    await(other.deployVerticle(plain));
    String url = "ws://127.0.0.1:" + plain.actualPort() + "/ws";
    EncryptedWebSocketClient strict = new EncryptedWebSocketClient(vertx,
        new EncryptedWebSocketClientOptions().setUrl(url).setToken(token("a")).setReconnect(false));
    assertThat(failure(strict.connect())).hasMessageContaining("could not connect");
    EncryptedWebSocketClient lax = new EncryptedWebSocketClient(vertx,
        new EncryptedWebSocketClientOptions().setUrl(url).setToken(token("b")).setRequireEncryption(false));
    Promise<Object> got = Promise.promise();
    lax.on("plain.news", got::tryComplete);
    ConnectedInfo info = await(lax.connect());
    assertThat(info.serverPublicKey()).isNull();
    await(other.eventBus().request(Addresses.SIGNAL_CLIENT_SEND,
        new JsonObject().put("clientId", info.id()).put("topic", "plain.news").put("data", "hi")));
    assertThat(await(got.future())).isEqualTo("hi");
    await(lax.close());
    await(other.close());
  }

  /** Verifies the default schedule: 3000 ms × 1.5^(n−1), capped at 30000 ms. */
  @Test
  void defaultBackoffSchedule() {
    EncryptedWebSocketClientOptions defaults = new EncryptedWebSocketClientOptions();
    long[] delays = new long[8];
    for (int n = 1; n <= 8; n++) {
      delays[n - 1] = EncryptedWebSocketClient.reconnectDelay(defaults, n);
    }
    assertThat(delays).containsExactly(3000, 4500, 6750, 10125, 15187, 22781, 30000, 30000);
    assertThat(defaults.getMaxRetries()).isEqualTo(5);
  }
}
