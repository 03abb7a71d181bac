package switchboard.securecall;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.platform.Platform;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * A client written only from the signaling protocol reference: it sends exactly the payloads the reference's
 * tables show ({@code REGISTER {clientId}}, {@code CALL_INITIATE {targetId, sdpOffer}}, ...), no other
 * member, and it understands only the reference's server → client types, ignoring any other frame as a
 * client of that protocol would. It learns the callId from INCOMING_CALL (callee) and CALL_ACCEPTED
 * (caller), as the reference's call flow allows. The server runs with its default configuration.
 */
class SecureCallSeedClientTest {

  /** The reference's server → client message types; anything else is ignored by this client. */
  private static final Set<String> REFERENCE_TYPES = Set.of("REGISTERED", "INCOMING_CALL", "CALL_ACCEPTED",
      "CALL_REJECTED", "CALL_ENDED", "ICE_CANDIDATE", "PKD_RESULT", "ERROR");

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private Platform platform;
  private SecureCallVerticle server;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
  }

  private void start(JsonObject overrides) {
    server = SecureCallFixture.deploy(platform, SecureCallFixture.config(dataDir, overrides));
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  /** A reference client: {@code {"type": ..., "payload": {...}}} out, reference types in. */
  private final class ReferenceClient {
    private final WsTestClient socket = await(WsTestClient.connect(vertx, server.actualPort(), "/signal"));
    private final List<String> ignored = new ArrayList<>();

    void send(String type, JsonObject payload) {
      socket.send(new JsonObject().put("type", type).put("payload", payload));
    }

    /** The next frame of a reference type, which must be {@code type}; answers its payload. */
    JsonObject expect(String type) {
      JsonObject frame = await(socket.next(f -> {
        boolean known = REFERENCE_TYPES.contains(f.getString("type"));
        if (!known) {
          ignored.add(f.getString("type"));
        }
        return known;
      }));
      assertThat(frame.getString("type")).as(frame.encode()).isEqualTo(type);
      assertThat(frame.getValue("payload")).as(frame.encode()).isInstanceOf(JsonObject.class);
      return frame.getJsonObject("payload");
    }
  }

  /** A reference client that sent REGISTER {clientId} and got REGISTERED for it. */
  private ReferenceClient registered(String clientId) {
    ReferenceClient client = new ReferenceClient();
    client.send("REGISTER", new JsonObject().put("clientId", clientId));
    assertThat(client.expect("REGISTERED").getString("clientId")).isEqualTo(clientId);
    return client;
  }

  /** Verifies the reference's health check: GET /health → 200, application/json, {"status":"ok"}. */
  @Test
  void healthCheckAsTheReferenceShowsIt() {
    start(new JsonObject());
    var http = vertx.createHttpClient();
    Object[] answer = await(http.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/health")
        .compose(r -> r.send()).compose(r -> r.body().map(b -> new Object[] {r.statusCode(), r.getHeader("Content-Type"), b})));
    assertThat(answer[0]).isEqualTo(200);
    assertThat((String) answer[1]).startsWith("application/json");
    assertThat(new JsonObject((Buffer) answer[2])).isEqualTo(new JsonObject().put("status", "ok"));
  }

  /** Verifies the reference's typical call flow, steps 1 to 8, with the reference's example ids. */
  @Test
  void typicalCallFlow() {
    start(new JsonObject());
    ReferenceClient a = new ReferenceClient();
    ReferenceClient b = new ReferenceClient();
    // 1. Both clients connect and send REGISTER messages
    a.send("REGISTER", new JsonObject().put("clientId", "abc123"));
    assertThat(a.expect("REGISTERED").getString("clientId")).isEqualTo("abc123");
    b.send("REGISTER", new JsonObject().put("clientId", "xyz789"));
    assertThat(b.expect("REGISTERED").getString("clientId")).isEqualTo("xyz789");
    // 2. Client A sends CALL_INITIATE with an SDP offer targeting Client B
    a.send("CALL_INITIATE", new JsonObject().put("targetId", "xyz789").put("sdpOffer", "v=0 offer-from-a"));
    // 3. Server forwards the offer to Client B as INCOMING_CALL
    JsonObject incoming = b.expect("INCOMING_CALL");
    String callId = incoming.getString("callId");
    assertThat(callId).isNotBlank();
    assertThat(incoming.getString("callerId")).isEqualTo("abc123");
    assertThat(incoming.getString("sdpOffer")).isEqualTo("v=0 offer-from-a");
    // 4. Client B sends CALL_ACCEPT with an SDP answer
    b.send("CALL_ACCEPT", new JsonObject().put("callId", callId).put("sdpAnswer", "v=0 answer-from-b"));
    // 5. Server forwards the answer to Client A as CALL_ACCEPTED
    JsonObject accepted = a.expect("CALL_ACCEPTED");
    assertThat(accepted.getString("callId")).isEqualTo(callId);
    assertThat(accepted.getString("sdpAnswer")).isEqualTo("v=0 answer-from-b");
    // 6. Both clients exchange ICE_CANDIDATE messages via the server
    a.send("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", "candidate:a"));
    JsonObject atB = b.expect("ICE_CANDIDATE");
    assertThat(atB.getString("callId")).isEqualTo(callId);
    assertThat(atB.getString("candidate")).isEqualTo("candidate:a");
    b.send("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", "candidate:b"));
    assertThat(a.expect("ICE_CANDIDATE").getString("candidate")).isEqualTo("candidate:b");
    // 8. Either client sends CALL_END to terminate the call
    a.send("CALL_END", new JsonObject().put("callId", callId));
    assertThat(b.expect("CALL_ENDED").getString("callId")).isEqualTo(callId);
    // The only frame the reference does not name, CALL_INITIATED, was ignored without harm
    assertThat(a.ignored).containsOnly("CALL_INITIATED");
  }

  /** Verifies CALL_REJECT → CALL_REJECTED {callId}. */
  @Test
  void rejectedCall() {
    start(new JsonObject());
    ReferenceClient a = registered("abc123");
    ReferenceClient b = registered("xyz789");
    a.send("CALL_INITIATE", new JsonObject().put("targetId", "xyz789").put("sdpOffer", "v=0"));
    String callId = b.expect("INCOMING_CALL").getString("callId");
    b.send("CALL_REJECT", new JsonObject().put("callId", callId));
    assertThat(a.expect("CALL_REJECTED").getString("callId")).isEqualTo(callId);
  }

  /** Verifies PKD_REGISTER {clientId, publicKey} and PKD_LOOKUP {clientId} → PKD_RESULT {clientId, publicKey}. */
  @Test
  void publicKeyDirectory() {
    start(new JsonObject());
    ReferenceClient a = registered("abc123");
    ReferenceClient b = registered("xyz789");
    a.send("PKD_REGISTER", new JsonObject().put("clientId", "abc123").put("publicKey", "MFkwEwYHKoZIzj0CAQ"));
    assertThat(a.expect("PKD_RESULT").getString("publicKey")).isEqualTo("MFkwEwYHKoZIzj0CAQ");
    b.send("PKD_LOOKUP", new JsonObject().put("clientId", "abc123"));
    JsonObject result = b.expect("PKD_RESULT");
    assertThat(result).isEqualTo(new JsonObject().put("clientId", "abc123").put("publicKey", "MFkwEwYHKoZIzj0CAQ"));
  }

  /** Verifies ERROR {code, message} for a clientId outside ^[a-zA-Z0-9_-]{1,64}$ and for a message over 64 KB. */
  @Test
  void errorsCarryCodeAndMessage() {
    start(new JsonObject());
    ReferenceClient a = new ReferenceClient();
    a.send("REGISTER", new JsonObject().put("clientId", "not valid!"));
    JsonObject error = a.expect("ERROR");
    assertThat(error.getString("code")).isNotBlank();
    assertThat(error.getString("message")).isNotBlank();
    a.send("REGISTER", new JsonObject().put("clientId", "x".repeat(64)));
    a.expect("REGISTERED");
    a.send("PKD_REGISTER", new JsonObject().put("clientId", "x".repeat(64)).put("publicKey", "k".repeat(65 * 1024)));
    assertThat(a.expect("ERROR").getString("code")).isNotBlank();
  }

  /** Verifies that clients over the per-IP connection limit get ERROR RATE_LIMITED, as the reference's limits say. */
  @Test
  void connectionLimitIsRateLimited() {
    start(new JsonObject().put("ws", new JsonObject().put("maxConnectionsPerIp", 1)));
    ReferenceClient a = new ReferenceClient();
    a.send("REGISTER", new JsonObject().put("clientId", "abc123"));
    a.expect("REGISTERED");
    ReferenceClient over = new ReferenceClient();
    assertThat(over.expect("ERROR").getString("code")).isEqualTo("RATE_LIMITED");
  }
}
