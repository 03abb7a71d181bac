package switchboard.signal;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.platform.Platform;
import switchboard.signal.SignalTestSupport.Peer;
import switchboard.signal.crypto.EcdhKeyPair;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.SessionCipher;
import switchboard.testing.TestPlatform;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.signal.SignalTestSupport.token;
import static switchboard.testing.Await.await;

/** Verifies Signal's WebSocket protocol with real sockets: handshake, encryption, rooms, errors and every close code. */
class SignalHandlerTest {

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

  private int start(JsonObject overrides) {
    return SignalTestSupport.deploy(platform, overrides).actualPort();
  }

  private int start() {
    return start(new JsonObject());
  }

  /** Verifies that authenticate is answered with connected {id, userId, time, serverPublicKey, salt} and a working key. */
  @Test
  void handshakeAnswersConnectedAndEncryptsBothWays() throws Exception {
    int port = start();
    Promise<JsonObject> inbound = Promise.promise();
    await(vertx.eventBus().<JsonObject>consumer(Addresses.SIGNAL_INBOUND, m -> inbound.tryComplete(m.body()))
        .completion());
    // GIVEN a client that authenticates with a valid token
    Peer peer = Peer.authenticated(vertx, port, token(vertx, "alice", "pos"));
    // THEN connected carries the contract's fields, with a 65-byte key and a 32-byte salt
    JsonObject c = peer.connected;
    assertThat(c.getString("userId")).isEqualTo("alice");
    assertThat(c.getString("id")).isNotBlank();
    assertThat(c.getString("time")).isNotBlank();
    assertThat(Base64.getDecoder().decode(c.getString("serverPublicKey"))).hasSize(65).startsWith(4);
    assertThat(Base64.getDecoder().decode(c.getString("salt"))).hasSize(32);
    // WHEN it sends an encrypted application event
    peer.sendEncrypted("order.ack", new JsonObject().put("orderId", "42"));
    // THEN the event bus sees it decrypted, with client and user ids
    JsonObject in = await(inbound.future());
    assertThat(in.getString("clientId")).isEqualTo(peer.id());
    assertThat(in.getString("userId")).isEqualTo("alice");
    assertThat(in.getString("event")).isEqualTo("order.ack");
    assertThat(in.getJsonObject("data").getString("orderId")).isEqualTo("42");
    // AND a server push arrives encrypted and decrypts to {event, data}
    vertx.eventBus().publish(Addresses.SIGNAL_BROADCAST, new JsonObject().put("topic", "t").put("data", "é🔐"));
    JsonObject pushed = peer.nextDecrypted();
    assertThat(pushed.getString("event")).isEqualTo("t");
    assertThat(pushed.getString("data")).isEqualTo("é🔐");
  }

  /** Verifies that a client key in SPKI DER form is accepted like the raw point. */
  @Test
  void acceptsSpkiClientKey() throws Exception {
    int port = start();
    Peer peer = Peer.connect(vertx, port);
    HandshakeCrypto crypto = new HandshakeCrypto();
    EcdhKeyPair keys = crypto.generateKeyPair();
    byte[] spki = org.bouncycastle.util.Arrays.concatenate(
        Base64.getDecoder().decode("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgA="), keys.publicKeyRaw());
    peer.send("authenticate", new JsonObject().put("type", "Bearer").put("token", token(vertx, "bob"))
        .put("clientPublicKey", Base64.getEncoder().encodeToString(spki)));
    JsonObject connected = await(peer.nextEvent("connected")).getJsonObject("data");
    SessionCipher cipher = crypto.session(keys, HandshakeCrypto.parsePublicKey(connected.getString("serverPublicKey")),
        Base64.getDecoder().decode(connected.getString("salt")), SignalTestSupport.INFO);
    vertx.eventBus().publish(Addresses.SIGNAL_BROADCAST, new JsonObject().put("topic", "hello"));
    JsonObject frame = await(peer.nextEvent("encrypted"));
    assertThat(new JsonObject(cipher.open(frame.getJsonObject("data"))).getString("event")).isEqualTo("hello");
  }

  /** Verifies 4001 when no authenticate arrives within the (shortened) auth window. */
  @Test
  void closes4001WithoutAuthenticate() {
    int port = start(new JsonObject().put("ws", new JsonObject().put("authTimeoutMs", 300)));
    Peer peer = Peer.connect(vertx, port);
    peer.send("heartbeat", null);
    assertThat(peer.nextError().getString("code")).isEqualTo("NOT_AUTHENTICATED");
    assertThat(peer.closeCode()).isEqualTo(4001);
  }

  /** Verifies 4002 for a badly signed, an expired and a missing token, and for authenticate without data. */
  @Test
  void closes4002OnInvalidOrExpiredToken() {
    int port = start();
    String key = new HandshakeCrypto().generateKeyPair().publicKeyBase64();
    String expired = TestPlatform.minter(vertx).mint(new JsonObject(), "alice", -60);
    String forged = new switchboard.auth.TokenMinter(vertx, "another-secret-of-at-least-32-bytes-long!!")
        .mint("alice", List.of("admin"), 3600);
    for (Object data : new Object[] {
        new JsonObject().put("type", "Bearer").put("token", expired).put("clientPublicKey", key),
        new JsonObject().put("type", "Bearer").put("token", forged).put("clientPublicKey", key),
        new JsonObject().put("type", "Bearer").put("token", "not.a.jwt").put("clientPublicKey", key),
        new JsonObject().put("type", "Bearer").put("clientPublicKey", key),
        new JsonObject().put("type", "Basic").put("token", token(vertx, "a")).put("clientPublicKey", key),
        "a string"}) {
      Peer peer = Peer.connect(vertx, port);
      peer.send("authenticate", data);
      assertThat(peer.closeCode()).as(String.valueOf(data)).isEqualTo(4002);
    }
  }

  /** Verifies 4004 for a missing, malformed, off-curve or wrongly typed clientPublicKey. */
  @Test
  void closes4004OnMissingOrInvalidKey() {
    int port = start();
    byte[] offCurve = new HandshakeCrypto().generateKeyPair().publicKeyRaw();
    offCurve[40] ^= 1;
    for (Object key : new Object[] {null, "", "!!!", Base64.getEncoder().encodeToString(offCurve), 42}) {
      Peer peer = Peer.connect(vertx, port);
      JsonObject data = new JsonObject().put("type", "Bearer").put("token", token(vertx, "alice"));
      if (key != null) {
        data.put("clientPublicKey", key);
      }
      peer.send("authenticate", data);
      assertThat(peer.closeCode()).as(String.valueOf(key)).isEqualTo(4004);
    }
  }

  /** Verifies that heartbeats are answered and keep the connection, and that silence closes with 4005. */
  @Test
  void heartbeatAnsweredAndSilenceCloses4005() {
    int port = start(new JsonObject().put("ws", new JsonObject().put("idleTimeoutMs", 600)));
    Peer peer = Peer.authenticated(vertx, port, token(vertx, "alice"));
    for (int i = 0; i < 3; i++) {
      await(vertx.timer(300));
      peer.send("heartbeat", null);
      assertThat(await(peer.nextEvent("heartbeat")).getJsonObject("data").getString("time")).isNotBlank();
    }
    assertThat(peer.closeCode()).isEqualTo(4005);
  }

  /** Verifies 1009 for a frame above the size limit, and that other clients are unaffected. */
  @Test
  void closes1009OnOversizeFrame() {
    int port = start(new JsonObject().put("ws", new JsonObject().put("maxMessageBytes", 1024)));
    Peer other = Peer.authenticated(vertx, port, token(vertx, "bob"));
    Peer peer = Peer.authenticated(vertx, port, token(vertx, "alice"));
    peer.ws.send("{\"event\":\"heartbeat\",\"data\":\"" + "x".repeat(2000) + "\"}");
    assertThat(peer.closeCode()).isEqualTo(1009);
    other.send("heartbeat", null);
    assertThat(await(other.nextEvent("heartbeat"))).isNotNull();
  }

  /** Verifies that a client that stops reading is closed with 4009 while others keep being served. */
  @Test
  void closes4009OnSlowConsumer() {
    int port = start(new JsonObject().put("ws", new JsonObject().put("outboundHighWaterBytes", 1024)
        .put("outboundHardBytes", 4096).put("slowConsumerGraceMs", 200)));
    Peer slow = Peer.authenticated(vertx, port, token(vertx, "slow"));
    Peer fast = Peer.authenticated(vertx, port, token(vertx, "fast"));
    // GIVEN a client that stops reading
    slow.ws.socket().pause();
    // WHEN the server keeps pushing large messages
    String big = "y".repeat(256 * 1024);
    var closes = platform.meters().find("switchboard.closes").tag("service", "signal").tag("code", "4009");
    for (int i = 0; i < 400 && (closes.counter() == null || closes.counter().count() == 0); i++) {
      await(vertx.eventBus().request(Addresses.SIGNAL_CLIENT_SEND,
          new JsonObject().put("clientId", slow.id()).put("topic", "bulk").put("data", big)).otherwiseEmpty());
    }
    // THEN it is closed with 4009, and the other client is still served
    assertThat(closes.counter()).isNotNull();
    assertThat(closes.counter().count()).isEqualTo(1.0);
    fast.send("heartbeat", null);
    assertThat(await(fast.nextEvent("heartbeat"))).isNotNull();
    // once it reads again it sees the connection end
    slow.ws.socket().resume();
    assertThat(slow.closeCode()).isIn(4009, 1006);
  }

  /** Verifies 4010 when the REST API disconnects a client. */
  @Test
  void closes4010OnServerDisconnect() {
    SignalVerticle verticle = SignalTestSupport.deploy(platform, new JsonObject());
    Peer peer = Peer.authenticated(vertx, verticle.actualPort(), token(vertx, "alice"));
    String admin = token(vertx, "ops", "admin");
    int status = await(SignalTestSupport.rest(vertx, io.vertx.core.http.HttpMethod.POST, verticle.actualPort(),
        SignalRestApi.BASE + "/" + peer.id() + "/disconnect", admin, null)).status();
    assertThat(status).isEqualTo(200);
    assertThat(peer.closeCode()).isEqualTo(4010);
  }

  /** Verifies that plaintext application events are refused under requireEncryption, the connection kept. */
  @Test
  void refusesPlaintextApplicationEvents() {
    int port = start();
    Peer peer = Peer.authenticated(vertx, port, token(vertx, "alice"));
    peer.send("order.ack", new JsonObject());
    assertThat(peer.nextError().getString("code")).isEqualTo("ENCRYPTION_REQUIRED");
    peer.send("heartbeat", null);
    assertThat(await(peer.nextEvent("heartbeat"))).isNotNull();
  }

  /** Verifies that tampered and wrong-key ciphertext get DECRYPTION_FAILED, and repeated failures close with 1008. */
  @Test
  void decryptionFailuresAreErrorsThenClose() {
    int port = start(new JsonObject().put("maxDecryptFailures", 3));
    Peer peer = Peer.authenticated(vertx, port, token(vertx, "alice"));
    // tampered: flip a bit of a good frame's ciphertext
    JsonObject good = new JsonObject(peer.cipher.seal("{\"event\":\"x\"}"));
    byte[] ct = Base64.getDecoder().decode(good.getJsonObject("data").getString("ct"));
    ct[0] ^= 1;
    good.getJsonObject("data").put("ct", Base64.getEncoder().encodeToString(ct));
    peer.ws.send(good);
    assertThat(peer.nextError().getString("code")).isEqualTo("DECRYPTION_FAILED");
    // wrong key
    byte[] otherKey = new byte[32];
    new SecureRandom().nextBytes(otherKey);
    peer.ws.send(new SessionCipher(otherKey, new SecureRandom()).seal("{\"event\":\"x\"}"));
    assertThat(peer.nextError().getString("code")).isEqualTo("DECRYPTION_FAILED");
    // a good frame resets the count, and the connection still works
    peer.sendEncrypted("heartbeat", null);
    assertThat(await(peer.nextEvent("heartbeat"))).isNotNull();
    // malformed encrypted data counts as failures too; the third in a row closes
    peer.send("encrypted", new JsonObject().put("iv", "short").put("ct", "AAAA"));
    peer.send("encrypted", "not an object");
    assertThat(peer.nextError().getString("code")).isEqualTo("DECRYPTION_FAILED");
    assertThat(peer.nextError().getString("code")).isEqualTo("DECRYPTION_FAILED");
    peer.send("encrypted", new JsonObject().put("iv", 1).put("ct", 2));
    assertThat(peer.closeCode()).isEqualTo(1008);
  }

  /** Verifies that a frame captured on one connection is refused when replayed on another (per-connection keys). */
  @Test
  void replayOnAnotherConnectionFailsToDecrypt() {
    int port = start();
    Peer first = Peer.authenticated(vertx, port, token(vertx, "alice"));
    String captured = first.cipher.seal("{\"event\":\"order.ack\",\"data\":1}");
    Peer second = Peer.authenticated(vertx, port, token(vertx, "alice"));
    second.ws.send(captured);
    assertThat(second.nextError().getString("code")).isEqualTo("DECRYPTION_FAILED");
    assertThat(second.connected.getString("salt")).isNotEqualTo(first.connected.getString("salt"));
    assertThat(second.connected.getString("serverPublicKey")).isNotEqualTo(first.connected.getString("serverPublicKey"));
  }

  /** Verifies that a message flood is answered with RATE_LIMITED and, if it goes on, closed with 1008. */
  @Test
  void floodIsRateLimitedThenClosed() {
    int port = start(new JsonObject().put("ws", new JsonObject().put("messagesPerSecond", 5).put("burst", 5)
        .put("rateLimitCloseAfter", 10)));
    Peer other = Peer.authenticated(vertx, port, token(vertx, "bob"));
    Peer peer = Peer.authenticated(vertx, port, token(vertx, "alice"));
    for (int i = 0; i < 40; i++) {
      peer.send("heartbeat", null);
    }
    assertThat(peer.nextError().getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(peer.closeCode()).isEqualTo(1008);
    other.send("heartbeat", null);
    assertThat(await(other.nextEvent("heartbeat"))).isNotNull();
  }

  /** Verifies join/leave answers, auto-joined rooms, unknown and forbidden rooms, and room delivery. */
  @Test
  void joinsAndLeavesRoomsWithRolePolicy() {
    int port = start();
    Peer pos = Peer.authenticated(vertx, port, token(vertx, "till-1", "pos"));
    Peer user = Peer.authenticated(vertx, port, token(vertx, "carol"));
    // a POS client joins ws-orders; an unknown room is an error, the rest is answered
    pos.send("join", new JsonObject().put("rooms", new JsonArray().add("ws-orders").add("nope")));
    assertThat(pos.nextError().getString("code")).isEqualTo("UNKNOWN_ROOM");
    assertThat(await(pos.nextEvent("join")).getJsonObject("data").getJsonArray("rooms")).containsExactly("ws-orders");
    // a plain user may not join ws-payment
    user.send("join", new JsonObject().put("rooms", new JsonArray().add("ws-payment")));
    assertThat(user.nextError().getString("code")).isEqualTo("ROOM_FORBIDDEN");
    assertThat(await(user.nextEvent("join")).getJsonObject("data").getJsonArray("rooms")).isEmpty();
    // bad join data
    user.send("join", new JsonObject().put("rooms", "ws-default"));
    assertThat(user.nextError().getString("code")).isEqualTo("INVALID_MESSAGE");
    assertThat(await(user.nextEvent("join")).getJsonObject("data").getJsonArray("rooms")).isEmpty();
    // a room send reaches only members; both are in the auto-joined ws-notifications
    int orders = await(vertx.eventBus().<JsonObject>request(Addresses.SIGNAL_ROOM_SEND,
        new JsonObject().put("room", "ws-orders").put("topic", "order.new").put("data", 1))).body().getInteger("recipients");
    assertThat(orders).isEqualTo(1);
    assertThat(pos.nextDecrypted().getString("event")).isEqualTo("order.new");
    int notified = await(vertx.eventBus().<JsonObject>request(Addresses.SIGNAL_ROOM_SEND,
        new JsonObject().put("room", "ws-notifications").put("topic", "n"))).body().getInteger("recipients");
    assertThat(notified).isEqualTo(2);
    assertThat(user.nextDecrypted().getString("event")).isEqualTo("n");
    // leave answers the rooms actually left
    pos.send("leave", new JsonObject().put("rooms", new JsonArray().add("ws-orders").add("ws-payment")));
    assertThat(await(pos.nextEvent("leave")).getJsonObject("data").getJsonArray("rooms")).containsExactly("ws-orders");
    int after = await(vertx.eventBus().<JsonObject>request(Addresses.SIGNAL_ROOM_SEND,
        new JsonObject().put("room", "ws-orders").put("topic", "x"))).body().getInteger("recipients");
    assertThat(after).isZero();
  }

  /** Verifies that broken frames of every kind get an error frame and leave the connection and node fine. */
  @Test
  void badInputIsAnErrorNotACrash() {
    int port = start();
    Peer peer = Peer.authenticated(vertx, port, token(vertx, "alice"));
    peer.ws.send("{\"event\":");
    assertThat(peer.nextError().getString("code")).isEqualTo("MALFORMED_JSON");
    peer.ws.send("[1,2,3]");
    assertThat(peer.nextError().getString("code")).isEqualTo("MALFORMED_JSON");
    peer.ws.send("{\"data\":1}");
    assertThat(peer.nextError().getString("code")).isEqualTo("INVALID_MESSAGE");
    peer.ws.send("{\"event\":42}");
    assertThat(peer.nextError().getString("code")).isEqualTo("INVALID_MESSAGE");
    peer.send("authenticate", new JsonObject());
    assertThat(peer.nextError().getString("code")).isEqualTo("ALREADY_AUTHENTICATED");
    peer.sendEncrypted("connected", null);
    assertThat(peer.nextError().getString("code")).isEqualTo("INVALID_MESSAGE");
    peer.ws.send(peer.cipher.seal("not json"));
    assertThat(peer.nextError().getString("code")).isEqualTo("INVALID_MESSAGE");
    peer.sendEncrypted("encrypted", new JsonObject());
    assertThat(peer.nextError().getString("code")).isEqualTo("INVALID_MESSAGE");
    peer.ws.sendBinary(Buffer.buffer(new byte[] {1, 2, 3}));
    assertThat(peer.closeCode()).isEqualTo(1003);
    // the node still serves new clients
    Peer next = Peer.authenticated(vertx, port, token(vertx, "bob"));
    next.send("heartbeat", null);
    assertThat(await(next.nextEvent("heartbeat"))).isNotNull();
  }

  /** Verifies that with encryption switched off, connected has no key or salt and frames are plaintext. */
  @Test
  void encryptionOffSendsPlaintextBothWays() throws Exception {
    int port = start(new JsonObject().put("encryption", false));
    Promise<JsonObject> inbound = Promise.promise();
    await(vertx.eventBus().<JsonObject>consumer(Addresses.SIGNAL_INBOUND, m -> inbound.tryComplete(m.body()))
        .completion());
    Peer peer = Peer.connect(vertx, port);
    peer.send("authenticate", new JsonObject().put("type", "Bearer").put("token", token(vertx, "alice")));
    JsonObject connected = await(peer.nextEvent("connected")).getJsonObject("data");
    assertThat(connected.containsKey("serverPublicKey")).isFalse();
    assertThat(connected.containsKey("salt")).isFalse();
    peer.send("order.ack", new JsonObject().put("n", 1));
    assertThat(await(inbound.future()).getString("event")).isEqualTo("order.ack");
    vertx.eventBus().publish(Addresses.SIGNAL_BROADCAST, new JsonObject().put("topic", "plain").put("data", 2));
    JsonObject frame = await(peer.nextEvent("plain"));
    assertThat(frame.getInteger("data")).isEqualTo(2);
  }
}
