package switchboard.securecall;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.bus.Addresses;
import switchboard.platform.Platform;
import switchboard.securecall.impl.TurnCredentials;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.securecall.SecureCallFixture.establish;
import static switchboard.securecall.SecureCallFixture.expect;
import static switchboard.securecall.SecureCallFixture.expectError;
import static switchboard.securecall.SecureCallFixture.expectNothingElse;
import static switchboard.securecall.SecureCallFixture.frame;
import static switchboard.testing.Await.await;
import static switchboard.testing.Await.failure;

/** Verifies SecureCall signaling on a single node through real WebSocket clients. */
class SecureCallHandlerTest {

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

  private SecureCallVerticle deploy() {
    return deploy(new JsonObject());
  }

  private WsTestClient register(SecureCallVerticle v, String clientId) {
    return SecureCallFixture.registered(platform, v, clientId);
  }

  /** Waits until {@code check} holds, polling with a timer (for effects that have no event). */
  private Future<Void> eventually(Supplier<Future<Boolean>> check) {
    return check.get().compose(ok -> ok ? Future.<Void>succeededFuture()
        : vertx.timer(20).compose(t -> eventually(check)));
  }

  /** Asserts that {@code payload} carries TURN credentials for {@code clientId} valid for about the default hour. */
  private static void assertCredentialsFor(String clientId, JsonObject payload) {
    JsonObject turn = payload.getJsonArray("iceServers").getJsonObject(1);
    String[] username = turn.getString("username").split(":");
    long now = System.currentTimeMillis() / 1000;
    assertThat(Long.parseLong(username[0])).isBetween(now + 3590, now + 3601);
    assertThat(username[1]).isEqualTo(clientId);
    assertThat(turn.getString("credential"))
        .isEqualTo(TurnCredentials.credential(SecureCallFixture.TURN_SECRET, turn.getString("username")));
  }

  /** Verifies that a full call relays offer, answer, candidates both ways and the hang-up, and publishes events. */
  @Test
  void fullCallRelaysOfferAnswerCandidatesAndEnd() {
    // GIVEN two registered clients and a listener on the lifecycle events
    SecureCallVerticle v = deploy();
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    await(vertx.eventBus().<JsonObject>consumer(Addresses.SECURECALL_EVENTS, m -> events.add(m.body())).completion());
    WsTestClient alice = register(v, "alice");
    WsTestClient bob = register(v, "bob");
    JsonObject offer = new JsonObject().put("type", "offer").put("sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");
    // WHEN alice offers (an RTCSessionDescriptionInit object) to bob
    alice.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "bob").put("sdpOffer", offer)));
    // THEN bob gets INCOMING_CALL with the offer untouched and TURN credentials of his own
    JsonObject incoming = expect(bob, "INCOMING_CALL");
    String callId = incoming.getString("callId");
    assertThat(incoming.getString("callerId")).isEqualTo("alice");
    assertThat(incoming.getJsonObject("sdpOffer")).isEqualTo(offer);
    JsonObject turn = incoming.getJsonArray("iceServers").getJsonObject(1);
    assertThat(turn.getString("username")).endsWith(":bob");
    assertThat(turn.getString("credential"))
        .isEqualTo(TurnCredentials.credential(SecureCallFixture.TURN_SECRET, turn.getString("username")));
    // AND alice gets the callId with fresh credentials of her own for the call
    JsonObject initiated = expect(alice, "CALL_INITIATED");
    assertThat(initiated.getString("callId")).isEqualTo(callId);
    assertThat(initiated.getString("targetId")).isEqualTo("bob");
    assertCredentialsFor("alice", initiated);
    // WHEN bob accepts, and both trickle candidates
    bob.send(frame("CALL_ACCEPT", new JsonObject().put("callId", callId).put("sdpAnswer", "v=0 answer")));
    JsonObject accepted = expect(alice, "CALL_ACCEPTED");
    assertThat(accepted.getString("callId")).isEqualTo(callId);
    assertThat(accepted.getString("sdpAnswer")).isEqualTo("v=0 answer");
    assertCredentialsFor("alice", accepted);
    JsonObject candidate = new JsonObject().put("candidate", "candidate:1 1 udp 2122260223 10.0.0.2 54321 typ host")
        .put("sdpMid", "0").put("sdpMLineIndex", 0);
    for (int i = 0; i < 3; i++) {
      alice.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", "a-" + i)));
    }
    bob.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", candidate)));
    // THEN each gets the other's candidates, in order
    for (int i = 0; i < 3; i++) {
      assertThat(expect(bob, "ICE_CANDIDATE")).isEqualTo(new JsonObject().put("callId", callId).put("candidate", "a-" + i));
    }
    assertThat(expect(alice, "ICE_CANDIDATE").getJsonObject("candidate")).isEqualTo(candidate);
    // WHEN alice hangs up
    alice.send(frame("CALL_END", new JsonObject().put("callId", callId)));
    // THEN bob is told, and the call is gone for both
    JsonObject ended = expect(bob, "CALL_ENDED");
    assertThat(ended.getString("callId")).isEqualTo(callId);
    assertThat(ended.getString("reason")).isEqualTo("hangup");
    bob.send(frame("CALL_END", new JsonObject().put("callId", callId)));
    expectError(bob, "CALL_NOT_FOUND");
    await(eventually(() -> Future.succeededFuture(events.size() >= 3)));
    assertThat(events).extracting(e -> e.getString("event"))
        .containsExactly("call.initiated", "call.accepted", "call.ended");
    assertThat(events.get(2).getString("reason")).isEqualTo("hangup");
    assertThat(events).allSatisfy(e -> assertThat(e.encode()).doesNotContain("v=0"));
  }

  /** Verifies that the callee's reject reaches the caller and removes the call. */
  @Test
  void rejectReachesCallerAndRemovesTheCall() {
    SecureCallVerticle v = deploy();
    WsTestClient alice = register(v, "alice");
    WsTestClient bob = register(v, "bob");
    // GIVEN alice calling bob with her own callId
    alice.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "bob").put("sdpOffer", "o").put("callId", "call-1")));
    assertThat(expect(bob, "INCOMING_CALL").getString("callId")).isEqualTo("call-1");
    expect(alice, "CALL_INITIATED");
    // WHEN bob rejects
    bob.send(frame("CALL_REJECT", new JsonObject().put("callId", "call-1")));
    // THEN alice gets CALL_REJECTED and the call no longer exists
    assertThat(expect(alice, "CALL_REJECTED")).isEqualTo(new JsonObject().put("callId", "call-1"));
    alice.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", "call-1").put("candidate", "c")));
    expectError(alice, "CALL_NOT_FOUND");
    bob.send(frame("CALL_ACCEPT", new JsonObject().put("callId", "call-1").put("sdpAnswer", "a")));
    expectError(bob, "CALL_NOT_FOUND");
  }

  /** Verifies that a call nobody answers ends for both parties after the ring timeout. */
  @Test
  void unansweredCallEndsForBothAfterRingTimeout() {
    SecureCallVerticle v = deploy(new JsonObject().put("ringTimeoutMs", 1000));
    WsTestClient alice = register(v, "alice");
    WsTestClient bob = register(v, "bob");
    // GIVEN a ringing call
    alice.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "bob").put("sdpOffer", "o")));
    String callId = expect(bob, "INCOMING_CALL").getString("callId");
    expect(alice, "CALL_INITIATED");
    // WHEN nobody answers for a second
    // THEN both get CALL_ENDED with reason timeout, and a late accept finds no call
    JsonObject toAlice = expect(alice, "CALL_ENDED");
    JsonObject toBob = expect(bob, "CALL_ENDED");
    assertThat(toAlice).isEqualTo(new JsonObject().put("callId", callId).put("reason", "timeout"));
    assertThat(toBob).isEqualTo(toAlice);
    bob.send(frame("CALL_ACCEPT", new JsonObject().put("callId", callId).put("sdpAnswer", "a")));
    expectError(bob, "CALL_NOT_FOUND");
  }

  /** Verifies that an accepted call is not ended by the ring timeout. */
  @Test
  void acceptedCallOutlivesTheRingTimeout() {
    SecureCallVerticle v = deploy(new JsonObject().put("ringTimeoutMs", 1000));
    WsTestClient alice = register(v, "alice");
    WsTestClient bob = register(v, "bob");
    String callId = establish(alice, bob, "bob");
    await(vertx.timer(1500));
    alice.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", "late")));
    assertThat(expect(bob, "ICE_CANDIDATE").getString("candidate")).isEqualTo("late");
  }

  /** Verifies that a client outside a call can neither relay candidates into it, end it, nor answer it. */
  @Test
  void thirdClientIsRefusedAndUnknownCallsAreNotFound() {
    SecureCallVerticle v = deploy();
    WsTestClient alice = register(v, "alice");
    WsTestClient bob = register(v, "bob");
    WsTestClient mallory = register(v, "mallory");
    // GIVEN a ringing call between alice and bob
    alice.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "bob").put("sdpOffer", "o")));
    String callId = expect(bob, "INCOMING_CALL").getString("callId");
    expect(alice, "CALL_INITIATED");
    // WHEN mallory (and the caller, for answering) meddle
    mallory.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", "evil")));
    expectError(mallory, "NOT_A_PARTICIPANT");
    mallory.send(frame("CALL_END", new JsonObject().put("callId", callId)));
    expectError(mallory, "NOT_A_PARTICIPANT");
    mallory.send(frame("CALL_ACCEPT", new JsonObject().put("callId", callId).put("sdpAnswer", "evil")));
    expectError(mallory, "NOT_A_PARTICIPANT");
    mallory.send(frame("CALL_REJECT", new JsonObject().put("callId", callId)));
    expectError(mallory, "NOT_A_PARTICIPANT");
    alice.send(frame("CALL_ACCEPT", new JsonObject().put("callId", callId).put("sdpAnswer", "self")));
    expectError(alice, "NOT_A_PARTICIPANT");
    mallory.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", "no-such-call").put("candidate", "c")));
    expectError(mallory, "CALL_NOT_FOUND");
    mallory.send(frame("CALL_END", new JsonObject().put("callId", "no-such-call")));
    expectError(mallory, "CALL_NOT_FOUND");
    // THEN the call is intact: bob accepts and alice hears it, bob got nothing from mallory
    bob.send(frame("CALL_ACCEPT", new JsonObject().put("callId", callId).put("sdpAnswer", "a")));
    expect(alice, "CALL_ACCEPTED");
    expectNothingElse(bob);
  }

  /** Verifies that a party disconnecting mid-call ends the call for the other. */
  @Test
  void disconnectMidCallEndsItForThePeer() {
    SecureCallVerticle v = deploy();
    WsTestClient alice = register(v, "alice");
    WsTestClient bob = register(v, "bob");
    String callId = establish(alice, bob, "bob");
    // WHEN bob's connection drops
    await(bob.close());
    // THEN alice gets CALL_ENDED and the call is gone
    assertThat(expect(alice, "CALL_ENDED")).isEqualTo(new JsonObject().put("callId", callId).put("reason", "disconnected"));
    alice.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", "c")));
    expectError(alice, "CALL_NOT_FOUND");
  }

  /** Verifies that a clientId held by a live connection cannot be taken, and is free once that connection closes. */
  @Test
  void liveClientIdCannotBeTakenUntilReleased() {
    SecureCallVerticle v = deploy();
    WsTestClient first = register(v, "alice");
    // WHEN a second connection registers the same id
    WsTestClient second = SecureCallFixture.connect(platform, v);
    second.send(frame("REGISTER", new JsonObject().put("clientId", "alice")));
    // THEN it is refused and the first one still receives alice's calls
    expectError(second, "CLIENT_ID_TAKEN");
    WsTestClient bob = register(v, "bob");
    bob.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "alice").put("sdpOffer", "o")));
    expect(first, "INCOMING_CALL");
    expectNothingElse(second);
    // WHEN the first connection closes, THEN the id can be registered again
    await(first.close());
    await(eventually(() -> {
      second.send(frame("REGISTER", new JsonObject().put("clientId", "alice")));
      return second.next().map(f -> f.getString("type").equals("REGISTERED"));
    }));
    // AND a connection that is registered cannot register again
    second.send(frame("REGISTER", new JsonObject().put("clientId", "alice2")));
    expectError(second, "INVALID_MESSAGE");
  }

  /** Verifies that malformed client ids are refused and the longest valid one is accepted. */
  @Test
  void invalidClientIdsAreRefused() {
    SecureCallVerticle v = deploy();
    WsTestClient client = SecureCallFixture.connect(platform, v);
    for (Object bad : List.of("", "has space", "a".repeat(65), "émile", "a/b", "a.b", 42, new JsonObject(), true)) {
      client.send(frame("REGISTER", new JsonObject().put("clientId", bad)));
      expectError(client, "INVALID_CLIENT_ID");
    }
    client.send(frame("REGISTER", new JsonObject()));
    expectError(client, "INVALID_CLIENT_ID");
    client.send(frame("REGISTER", new JsonObject().put("clientId", "A-z_9".repeat(12) + "abcd")));
    assertThat(expect(client, "REGISTERED").getString("clientId")).hasSize(64);
    client.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "bad id").put("sdpOffer", "o")));
    expectError(client, "INVALID_CLIENT_ID");
    client.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", "x".repeat(65))));
    expectError(client, "INVALID_CLIENT_ID");
  }

  /** Verifies that only REGISTER and PING are served before registering. */
  @Test
  void everythingButRegisterAndPingNeedsRegistration() {
    SecureCallVerticle v = deploy();
    WsTestClient client = SecureCallFixture.connect(platform, v);
    for (String type : List.of("CALL_INITIATE", "CALL_ACCEPT", "CALL_REJECT", "CALL_END", "ICE_CANDIDATE",
        "PKD_REGISTER", "PKD_LOOKUP", "TURN_CREDENTIALS")) {
      client.send(frame(type, new JsonObject().put("callId", "c").put("targetId", "bob").put("clientId", "x")));
      expectError(client, "NOT_REGISTERED");
    }
    client.send(frame("PING", new JsonObject().put("t", 7)));
    assertThat(expect(client, "PONG")).isEqualTo(new JsonObject().put("t", 7));
  }

  /** Verifies that calling a client that is not connected answers TARGET_OFFLINE, and calling yourself is refused. */
  @Test
  void callingAnAbsentClientIsTargetOffline() {
    SecureCallVerticle v = deploy();
    WsTestClient alice = register(v, "alice");
    alice.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "nobody").put("sdpOffer", "o")));
    expectError(alice, "TARGET_OFFLINE");
    alice.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "alice").put("sdpOffer", "o")));
    expectError(alice, "INVALID_MESSAGE");
  }

  /** Verifies the per-connection call cap and that a client-chosen callId cannot be reused while live. */
  @Test
  void callCapAndDuplicateCallIds() {
    SecureCallVerticle v = deploy(new JsonObject().put("maxCallsPerClient", 1));
    WsTestClient alice = register(v, "alice");
    WsTestClient bob = register(v, "bob");
    WsTestClient carol = register(v, "carol");
    alice.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "bob").put("sdpOffer", "o").put("callId", "same")));
    expect(bob, "INCOMING_CALL");
    expect(alice, "CALL_INITIATED");
    alice.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "carol").put("sdpOffer", "o")));
    expectError(alice, "RATE_LIMITED");
    carol.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "bob").put("sdpOffer", "o").put("callId", "same")));
    expectError(carol, "INVALID_MESSAGE");
    carol.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "bob").put("sdpOffer", "o").put("callId", "bad id!")));
    expectError(carol, "INVALID_MESSAGE");
  }

  /** Verifies that a message of 64 KB + 1 byte is an ERROR, the second closes with 1009, and 64 KB exactly passes. */
  @Test
  void messageOverSixtyFourKilobytesIsRefusedThenClosed() {
    SecureCallVerticle v = deploy();
    WsTestClient client = SecureCallFixture.connect(platform, v);
    // GIVEN a PING padded to exactly 65536 bytes, and one to 65537
    String prefix = "{\"type\":\"PING\",\"payload\":{\"pad\":\"";
    String suffix = "\"}}";
    String exact = prefix + "x".repeat(65536 - prefix.length() - suffix.length()) + suffix;
    String over = prefix + "x".repeat(65537 - prefix.length() - suffix.length()) + suffix;
    assertThat(exact).hasSize(65536);
    // WHEN sent, THEN the exact one is answered, the bigger one is an error, and the next one closes with 1009
    client.send(exact);
    assertThat(expect(client, "PONG").getString("pad")).hasSize(65536 - prefix.length() - suffix.length());
    client.send(over);
    expectError(client, "PAYLOAD_TOO_LARGE");
    client.send(over);
    assertThat(await(client.closed())).isEqualTo((short) 1009);
  }

  /** Verifies that a frame above the hard limit is cut off with 1009 at once. */
  @Test
  void frameAboveHardLimitClosesWith1009() {
    SecureCallVerticle v = deploy();
    WsTestClient client = SecureCallFixture.connect(platform, v);
    WsTestClient other = register(v, "other");
    client.send("{\"type\":\"PING\",\"payload\":{\"pad\":\"" + "x".repeat(300_000) + "\"}}");
    // The decoder sends 1009 and drops the connection; with the frame's rest unread the kernel may reset it first.
    assertThat(await(client.closed())).isIn((short) 1009, (short) 1006);
    other.send(frame("PING", new JsonObject()));
    expect(other, "PONG");
  }

  /** Verifies that a message flood gets RATE_LIMITED, persistent flooding closes with 1008, and others are unaffected. */
  @Test
  void floodIsRateLimitedThenClosed() {
    SecureCallVerticle v = deploy(new JsonObject().put("ws",
        new JsonObject().put("messagesPerSecond", 5).put("burst", 5).put("rateLimitCloseAfter", 20)));
    WsTestClient flooder = SecureCallFixture.connect(platform, v);
    WsTestClient bystander = register(v, "bystander");
    // WHEN one connection sends 40 messages at once
    for (int i = 0; i < 40; i++) {
      flooder.send(frame("PING", new JsonObject()));
    }
    // THEN it gets RATE_LIMITED errors and is closed with 1008, while the other connection is served
    JsonObject limited = await(flooder.next(f -> f.getString("type").equals("ERROR")));
    assertThat(limited.getJsonObject("payload").getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(await(flooder.closed())).isEqualTo((short) 1008);
    bystander.send(frame("PING", new JsonObject()));
    expect(bystander, "PONG");
  }

  /** Verifies that every kind of malformed frame gets INVALID_MESSAGE (binary 1003) and the node keeps serving. */
  @Test
  void badInputGetsClearErrors() {
    SecureCallVerticle v = deploy();
    WsTestClient client = register(v, "alice");
    WsTestClient bob = register(v, "bob");
    List<String> bad = List.of("{\"type\":", "[1,2]", "\"str\"", "null", "{}", "{\"type\":7}",
        "{\"type\":\"PING\",\"payload\":\"x\"}", "{\"type\":\"FOO\",\"payload\":{}}",
        "{\"type\":\"CALL_INITIATE\",\"payload\":{\"targetId\":\"bob\"}}",
        "{\"type\":\"CALL_INITIATE\",\"payload\":{\"targetId\":\"bob\",\"sdpOffer\":5}}",
        "{\"type\":\"CALL_INITIATE\",\"payload\":{\"targetId\":\"bob\",\"sdpOffer\":\"\"}}",
        "{\"type\":\"CALL_ACCEPT\",\"payload\":{\"callId\":\"c\"}}",
        "{\"type\":\"CALL_REJECT\",\"payload\":{\"callId\":[]}}",
        "{\"type\":\"CALL_END\",\"payload\":{}}",
        "{\"type\":\"ICE_CANDIDATE\",\"payload\":{\"callId\":\"c\"}}",
        "{\"type\":\"ICE_CANDIDATE\",\"payload\":{\"callId\":\"c\",\"candidate\":null}}");
    for (String text : bad) {
      client.send(text);
      JsonObject reply = await(client.next());
      assertThat(reply.getString("type")).as(text).isEqualTo("ERROR");
      assertThat(reply.getJsonObject("payload").getString("code")).as(text).isEqualTo("INVALID_MESSAGE");
    }
    expectNothingElse(bob);
    client.sendBinary(Buffer.buffer(new byte[] {1, 2, 3}));
    assertThat(await(client.closed())).isEqualTo((short) 1003);
    bob.send(frame("PING", new JsonObject()));
    expect(bob, "PONG");
  }

  /** Verifies that PING is answered with PONG and WebSocket ping frames with pong frames. */
  @Test
  void pingAndWebSocketPingFramesAreAnswered() {
    SecureCallVerticle v = deploy();
    WsTestClient client = SecureCallFixture.connect(platform, v);
    client.send("{\"type\":\"PING\"}");
    assertThat(expect(client, "PONG")).isEqualTo(new JsonObject());
    Promise<Buffer> pong = Promise.promise();
    client.socket().pongHandler(pong::tryComplete);
    client.socket().writePing(Buffer.buffer("hb-1"));
    assertThat(await(pong.future()).toString()).isEqualTo("hb-1");
  }

  /** Verifies that a connection that never registers is closed with 4001 and a silent one with 4002. */
  @Test
  void registerDeadlineAndIdleTimeoutClose() {
    SecureCallVerticle v = deploy(new JsonObject().put("ws",
        new JsonObject().put("authTimeoutMs", 300).put("idleTimeoutMs", 800)));
    WsTestClient silent = SecureCallFixture.connect(platform, v);
    WsTestClient registeredThenSilent = register(v, "alice");
    assertThat(await(silent.closed())).isEqualTo((short) 4001);
    assertThat(await(registeredThenSilent.closed())).isEqualTo((short) 4002);
  }

  /** Verifies that heartbeats keep a registered connection open past the idle timeout, as WS ping frames or PING messages. */
  @Test
  void heartbeatsKeepTheConnectionOpen() {
    SecureCallVerticle v = deploy(new JsonObject().put("ws", new JsonObject().put("idleTimeoutMs", 600)));
    WsTestClient pinger = register(v, "pinger");
    WsTestClient messenger = register(v, "messenger");
    // WHEN for three idle timeouts one sends WebSocket ping frames and the other PING messages
    for (int i = 0; i < 9; i++) {
      pinger.socket().writePing(Buffer.buffer("hb"));
      messenger.send(frame("PING", new JsonObject()));
      expect(messenger, "PONG");
      await(vertx.timer(200));
    }
    // THEN both are still open and served
    pinger.send(frame("PING", new JsonObject()));
    expect(pinger, "PONG");
    assertThat(pinger.closed().isComplete()).isFalse();
    assertThat(messenger.closed().isComplete()).isFalse();
  }

  /** Verifies JWT mode: REGISTER needs a valid token whose sub is the clientId. */
  @Test
  void tokenModeRequiresAMatchingValidToken() {
    SecureCallVerticle v = deploy(new JsonObject().put("requireToken", true));
    var minter = TestPlatform.minter(vertx);
    WsTestClient client = SecureCallFixture.connect(platform, v);
    client.send(frame("REGISTER", new JsonObject().put("clientId", "alice")));
    expectError(client, "INVALID_CLIENT_ID");
    client.send(frame("REGISTER", new JsonObject().put("clientId", "alice").put("token", minter.mint("bob", List.of(), 60))));
    expectError(client, "INVALID_CLIENT_ID");
    client.send(frame("REGISTER", new JsonObject().put("clientId", "alice").put("token", minter.mint("alice", List.of(), -60))));
    expectError(client, "INVALID_CLIENT_ID");
    client.send(frame("REGISTER", new JsonObject().put("clientId", "alice").put("token", "not.a.jwt")));
    expectError(client, "INVALID_CLIENT_ID");
    String forged = new switchboard.auth.TokenMinter(vertx, "another-secret-another-secret-123456").mint("alice", List.of(), 60);
    client.send(frame("REGISTER", new JsonObject().put("clientId", "alice").put("token", forged)));
    expectError(client, "INVALID_CLIENT_ID");
    client.send(frame("REGISTER", new JsonObject().put("clientId", "alice").put("token", minter.mint("alice", List.of(), 60))));
    assertThat(expect(client, "REGISTERED").getString("clientId")).isEqualTo("alice");
  }

  /** Verifies that REGISTERED and TURN_CREDENTIALS carry fresh coturn credentials in RTCIceServer shape. */
  @Test
  void turnCredentialsAreFreshAndVerifiable() {
    SecureCallVerticle v = deploy(new JsonObject().put("turn", new JsonObject().put("ttlSeconds", 600)
        .put("secrets", new JsonArray().add("newest").add("older"))));
    WsTestClient client = SecureCallFixture.connect(platform, v);
    client.send(frame("REGISTER", new JsonObject().put("clientId", "alice")));
    JsonArray atRegister = expect(client, "REGISTERED").getJsonArray("iceServers");
    assertThat(atRegister.getJsonObject(0)).isEqualTo(new JsonObject()
        .put("urls", new JsonArray().add("stun:stun.relay.metered.ca:80")));
    client.send(frame("TURN_CREDENTIALS", new JsonObject()));
    JsonObject reply = expect(client, "TURN_CREDENTIALS");
    assertThat(reply.getLong("ttlSeconds")).isEqualTo(600);
    JsonObject turn = reply.getJsonArray("iceServers").getJsonObject(1);
    assertThat(turn.getJsonArray("urls")).containsExactly("turn:a.relay.metered.ca:443?transport=tcp");
    String[] parts = turn.getString("username").split(":");
    long expiry = Long.parseLong(parts[0]);
    long now = System.currentTimeMillis() / 1000;
    assertThat(expiry).isBetween(now + 590, now + 601);
    assertThat(parts[1]).isEqualTo("alice");
    assertThat(turn.getString("credential")).isEqualTo(TurnCredentials.credential("newest", turn.getString("username")));
  }

  /**
   * Verifies the per-IP connection limit: a connection beyond it gets ERROR RATE_LIMITED and a close with
   * 1008 (what a browser can see, unlike an HTTP 429), and the connections within it carry on.
   */
  @Test
  void perIpConnectionLimitAnswersRateLimitedThenCloses() {
    SecureCallVerticle v = deploy(new JsonObject().put("ws", new JsonObject().put("maxConnectionsPerIp", 2)));
    WsTestClient first = register(v, "first");
    SecureCallFixture.connect(platform, v);
    WsTestClient third = SecureCallFixture.connect(platform, v);
    expectError(third, "RATE_LIMITED");
    assertThat(await(third.closed())).isEqualTo((short) 1008);
    expectNothingElse(first);
    // AND the refused connection did not count: once one closes, a new one is admitted
    await(first.close());
    await(eventually(() -> WsTestClient.connect(vertx, v.actualPort(), SecureCallConfig.PATH).compose(c -> {
      c.send(frame("PING", new JsonObject()));
      return c.next().map(f -> f.getString("type").equals("PONG"));
    })));
  }

  /** Verifies GET /health answers {"status":"ok"} as JSON on the signaling port, and other paths 404. */
  @Test
  void healthOnTheSamePort() {
    SecureCallVerticle v = deploy();
    var http = vertx.createHttpClient();
    var response = await(http.request(HttpMethod.GET, v.actualPort(), "127.0.0.1", "/health")
        .compose(r -> r.send()).compose(r -> r.body().map(b -> new Object[] {r.statusCode(), r.getHeader("Content-Type"), b})));
    assertThat(response[0]).isEqualTo(200);
    assertThat((String) response[1]).startsWith("application/json");
    assertThat(new JsonObject((Buffer) response[2])).isEqualTo(new JsonObject().put("status", "ok"));
    Throwable refused = failure(WsTestClient.connect(vertx, v.actualPort(), "/other"));
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(404);
  }
}
