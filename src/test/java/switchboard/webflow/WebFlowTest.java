package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.testing.TestPlatform;
import switchboard.webflow.StompTestClient.StompFrame;
import switchboard.webflow.impl.WebSocketIds;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

class WebFlowTest {

  private static WebFlowServer server;
  private static Vertx vertx;
  private static HttpClient http;

  /** An HTTP answer: status and body. */
  private record Answer(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  @BeforeAll
  static void start() {
    server = WebFlowServer.start(new JsonObject());
    vertx = server.vertx;
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    http.close();
    server.close();
  }

  private static String newId() {
    return "ws-" + UUID.randomUUID();
  }

  private static StompTestClient registered(String webSocketId) {
    return await(StompTestClient.registered(vertx, server.port(), webSocketId));
  }

  private static JsonObject notifyBus(JsonObject body) {
    return await(vertx.eventBus().<JsonObject>request(Addresses.WEBFLOW_AUTHORIZATION, body).map(Message::body));
  }

  private static JsonObject notice(String webSocketId, String result) {
    return new JsonObject().put("webSocketId", webSocketId).put("authResult", result);
  }

  private static StompFrame nextAuthorization(StompTestClient c) {
    return await(c.next(f -> f.command().equals("MESSAGE") && "sub-auth".equals(f.header("subscription"))));
  }

  /** The server is still there for newcomers after a client was thrown out. */
  private static void assertServerAlive() {
    StompTestClient fresh = registered(newId());
    await(fresh.barrier());
    assertThat(fresh.pending()).isEmpty();
    await(fresh.close());
  }

  private static StompFrame expectErrorAndClose(StompTestClient c) {
    StompFrame error = await(c.nextCommand("ERROR"));
    assertThat(error.header("message")).isNotBlank();
    await(c.closed());
    return error;
  }

  /** Verifies that a registration is answered with {"webSocketId"} on the session's registration topic, with the receipt. */
  @Test
  void registrationIsAnsweredOnTheRegistrationTopic() {
    // GIVEN a connected session subscribed to both user topics, on a negotiated STOMP subprotocol
    StompTestClient c = await(StompTestClient.connect(vertx, server.port()));
    assertThat(c.socket().subProtocol()).isEqualTo("v12.stomp");
    c.subscribe("sub-reg", "/user/topic/registration");
    c.subscribe("sub-auth", "/user/topic/authorization");
    String id = newId();
    // WHEN it registers its webSocketId asking for a receipt
    c.register(id, "r-1");
    // THEN the reply arrives on its registration subscription, then the receipt
    StompFrame reply = await(c.nextCommand("MESSAGE"));
    assertThat(reply.header("destination")).isEqualTo("/user/topic/registration");
    assertThat(reply.header("subscription")).isEqualTo("sub-reg");
    assertThat(reply.header("message-id")).isNotBlank();
    assertThat(reply.header("content-type")).isEqualTo("application/json");
    assertThat(reply.json()).isEqualTo(new JsonObject().put("webSocketId", id));
    assertThat(await(c.nextCommand("RECEIPT")).header("receipt-id")).isEqualTo("r-1");
    await(c.close());
  }

  /** Verifies that registering the same webSocketId twice from the same session is answered twice without error. */
  @Test
  void reRegistrationBySameSessionIsIdempotent() {
    // GIVEN a registered session
    String id = newId();
    StompTestClient c = registered(id);
    // WHEN it registers the same id again
    c.register(id, "again");
    // THEN it gets the same answer and the receipt, and notifications still reach it
    assertThat(await(c.nextCommand("MESSAGE")).json().getString("webSocketId")).isEqualTo(id);
    await(c.nextCommand("RECEIPT"));
    assertThat(notifyBus(notice(id, "CONFIRMED")).getBoolean("delivered")).isTrue();
    assertThat(nextAuthorization(c).json()).isEqualTo(notice(id, "CONFIRMED"));
    await(c.close());
  }

  /** Verifies that an event-bus authorization reaches only the registering session, not another one subscribed to the same user topic. */
  @Test
  void eventBusAuthorizationReachesOnlyTheRegisteringSession() {
    // GIVEN two sessions subscribed to the same user topics with different webSocketIds
    String idA = newId();
    String idB = newId();
    StompTestClient a = registered(idA);
    StompTestClient b = registered(idB);
    // WHEN an authorization for A is requested on the event bus
    JsonObject reply = notifyBus(notice(idA, "CONFIRMED"));
    // THEN it is delivered to A only
    assertThat(reply).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    StompFrame message = nextAuthorization(a);
    assertThat(message.header("destination")).isEqualTo("/user/topic/authorization");
    assertThat(message.json()).isEqualTo(notice(idA, "CONFIRMED"));
    notifyBus(notice(idB, "CANCELED"));
    assertThat(nextAuthorization(b).json()).isEqualTo(notice(idB, "CANCELED"));
    await(a.barrier());
    await(b.barrier());
    assertThat(b.pending()).isEmpty();
    assertThat(a.pending()).isEmpty();
    await(a.close());
    await(b.close());
  }

  /** Verifies that POST /api/authorizations with a service JWT delivers by operationId to that session only, and guards the route. */
  @Test
  void restAuthorizationByOperationIdNeedsAServiceToken() {
    // GIVEN two registered sessions, one with the webSocketId derived from an operationId
    String operationId = "op-" + UUID.randomUUID();
    StompTestClient a = registered(WebSocketIds.fromOperationId(operationId));
    StompTestClient b = registered(newId());
    String service = TestPlatform.minter(vertx).mint("bank-core", List.of("service"), 60);
    String user = TestPlatform.minter(vertx).mint("alice", List.of("user"), 60);
    JsonObject body = new JsonObject().put("operationId", operationId).put("authResult", "CONFIRMED");
    // WHEN it is posted without a token, with a user token, with a bad body, then with a service token
    Answer none = post(null, body.encode());
    Answer forbidden = post(user, body.encode());
    Answer bad = post(service, "{\"authResult\":42");
    Answer ok = post(service, body.encode());
    // THEN only the last is accepted and delivered, to A only, under the derived webSocketId
    assertThat(none.status()).isEqualTo(401);
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json()).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    assertThat(nextAuthorization(a).json())
        .isEqualTo(notice(WebSocketIds.fromOperationId(operationId), "CONFIRMED"));
    await(b.barrier());
    assertThat(b.pending()).isEmpty();
    await(a.close());
    await(b.close());
  }

  /** Verifies that a notification sent before the registration is held and delivered right after the registration reply. */
  @Test
  void notificationBeforeRegistrationIsDeliveredOnRegistration() {
    // GIVEN a notification for a webSocketId nobody has registered
    String id = newId();
    JsonObject reply = notifyBus(notice(id, "CONFIRMED"));
    assertThat(reply).isEqualTo(new JsonObject().put("delivered", false).put("queued", true));
    // WHEN a session registers that id
    StompTestClient c = registered(id);
    // THEN it receives the held notification, once
    assertThat(nextAuthorization(c).json()).isEqualTo(notice(id, "CONFIRMED"));
    assertThat(notifyBus(notice(id, "SECOND")).getBoolean("delivered")).isTrue();
    assertThat(nextAuthorization(c).json().getString("authResult")).isEqualTo("SECOND");
    await(c.close());
  }

  /** Verifies that the mapping is removed when the session ends: a later notification is not delivered. */
  @Test
  void mappingIsRemovedWhenTheSessionEnds() {
    // GIVEN a registered session that disconnects
    String id = newId();
    StompTestClient c = registered(id);
    c.send("DISCONNECT", Map.of("receipt", "bye"), "");
    await(c.nextCommand("RECEIPT"));
    await(c.closed());
    // WHEN a notification for its webSocketId comes once the session is gone
    JsonObject reply = eventually(() -> notifyBus(notice(id, "CONFIRMED")), r -> !r.getBoolean("delivered"));
    // THEN it is not delivered (it is held for a page that registers the id again)
    assertThat(reply.getBoolean("delivered")).isFalse();
    assertThat(reply.getBoolean("queued")).isTrue();
    // the server drops its session when it sees the close, which may come after the client's close completes
    assertThat(eventually(() -> server.verticle.sessionCount(), n -> n == 0)).isZero();
  }

  /** Verifies that a registration is dropped when the client's TCP connection vanishes without a close frame. */
  @Test
  void mappingIsRemovedWhenTheConnectionDrops() {
    // GIVEN a raw TCP client that upgrades, connects and registers an id
    String id = newId();
    io.vertx.core.net.NetClient tcp = vertx.createNetClient();
    io.vertx.core.net.NetSocket socket = await(tcp.connect(server.port(), "127.0.0.1"));
    StringBuilder seen = new StringBuilder();
    io.vertx.core.Promise<Void> upgraded = io.vertx.core.Promise.promise();
    io.vertx.core.Promise<Void> registered = io.vertx.core.Promise.promise();
    socket.handler(data -> {
      seen.append(data.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
      if (seen.indexOf("\r\n\r\n") >= 0) {
        upgraded.tryComplete();
      }
      if (seen.indexOf(id) >= 0) {
        registered.tryComplete();
      }
    });
    socket.write("GET /websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    await(upgraded.future());
    for (String frame : List.of("CONNECT\naccept-version:1.2\n\n\0",
        "SUBSCRIBE\nid:r\ndestination:/user/topic/registration\n\n\0",
        "SEND\ndestination:/app/registration\n\n{\"webSocketId\":\"" + id + "\"}\0")) {
      socket.write(maskedText(frame));
    }
    await(registered.future());
    // WHEN the TCP connection is cut
    await(socket.close());
    // THEN the session and its registration go away
    JsonObject reply = eventually(() -> notifyBus(notice(id, "CONFIRMED")), r -> !r.getBoolean("delivered"));
    assertThat(reply.getBoolean("delivered")).isFalse();
    await(tcp.close());
  }

  /** A client WebSocket text frame (masked, as RFC 6455 requires of clients), payload under 126 bytes. */
  private static Buffer maskedText(String text) {
    byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    Buffer frame = Buffer.buffer().appendByte((byte) 0x81).appendByte((byte) (0x80 | payload.length)).appendBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.appendByte((byte) (payload[i] ^ mask[i % 4]));
    }
    return frame;
  }

  /** Verifies that a newer session registering a webSocketId takes it over, and the older one gets an ERROR and is closed. */
  @Test
  void newerRegistrationMovesTheWebSocketId() {
    // GIVEN a session that registered an id
    String id = newId();
    StompTestClient older = registered(id);
    // WHEN another session registers the same id
    StompTestClient newer = await(StompTestClient.connect(vertx, server.port()));
    newer.subscribe("sub-reg", "/user/topic/registration");
    newer.subscribe("sub-auth", "/user/topic/authorization");
    newer.register(id, "take");
    // THEN the newer one gets the answer and the receipt, the older one an ERROR and a close
    assertThat(await(newer.nextCommand("MESSAGE")).json()).isEqualTo(new JsonObject().put("webSocketId", id));
    assertThat(await(newer.nextCommand("RECEIPT")).header("receipt-id")).isEqualTo("take");
    assertThat(expectErrorAndClose(older).header("message")).isEqualTo("webSocketId was registered by a newer session");
    // AND notifications go to the newer session
    assertThat(notifyBus(notice(id, "CONFIRMED")).getBoolean("delivered")).isTrue();
    assertThat(nextAuthorization(newer).json()).isEqualTo(notice(id, "CONFIRMED"));
    await(newer.close());
  }

  /** Verifies that a SEND to the registration topic, the destination the protocol document names, registers like /app/registration. */
  @Test
  void registrationOnTheRegistrationTopicDestination() {
    // GIVEN a session subscribed to both user topics
    StompTestClient c = await(StompTestClient.connect(vertx, server.port()));
    c.subscribe("sub-reg", "/user/topic/registration");
    c.subscribe("sub-auth", "/user/topic/authorization");
    String id = newId();
    // WHEN it SENDs its webSocketId to /user/topic/registration
    c.send("SEND", Map.of("destination", "/user/topic/registration", "receipt", "r-topic"),
        new JsonObject().put("webSocketId", id).encode());
    // THEN it gets the same synchronous answer on its registration subscription, then the receipt
    StompFrame reply = await(c.nextCommand("MESSAGE"));
    assertThat(reply.header("subscription")).isEqualTo("sub-reg");
    assertThat(reply.json()).isEqualTo(new JsonObject().put("webSocketId", id));
    assertThat(await(c.nextCommand("RECEIPT")).header("receipt-id")).isEqualTo("r-topic");
    // AND the id is bound to it
    assertThat(notifyBus(notice(id, "CONFIRMED")).getBoolean("delivered")).isTrue();
    assertThat(nextAuthorization(c).json()).isEqualTo(notice(id, "CONFIRMED"));
    await(c.close());
  }

  /** Verifies that SEND to any destination other than the registration one is refused with an ERROR. */
  @Test
  void sendToAForbiddenDestinationIsRefused() {
    for (String destination : List.of("/user/topic/authorization", "/topic/anything", "/app/other")) {
      // GIVEN a connected session WHEN it sends to a destination that is not an application destination
      StompTestClient c = await(StompTestClient.connect(vertx, server.port()));
      c.send("SEND", Map.of("destination", destination), "{\"webSocketId\":\"x\"}");
      // THEN it gets an ERROR and is closed
      expectErrorAndClose(c);
    }
    assertServerAlive();
  }

  /** Verifies that subscribing outside the user topics, or to too many, is refused with an ERROR. */
  @Test
  void subscriptionsAreLimitedToUserTopicsAndBounded() {
    // GIVEN a connected session WHEN it subscribes to a non-user destination THEN ERROR
    StompTestClient c = await(StompTestClient.connect(vertx, server.port()));
    c.subscribe("s1", "/topic/broadcast");
    expectErrorAndClose(c);
    // GIVEN a connected session WHEN it subscribes beyond the limit (8) THEN ERROR
    StompTestClient greedy = await(StompTestClient.connect(vertx, server.port()));
    for (int i = 0; i < 9; i++) {
      greedy.subscribe("s" + i, "/user/topic/authorization");
    }
    assertThat(expectErrorAndClose(greedy).header("message")).contains("Too many subscriptions");
    assertServerAlive();
  }

  /** Verifies that one session cannot register more webSocketIds than maxRegistrationsPerSession (8). */
  @Test
  void registrationsPerSessionAreBounded() {
    // GIVEN a session that registered 8 ids
    StompTestClient c = registered(newId());
    for (int i = 0; i < 7; i++) {
      c.register(newId(), null);
      await(c.nextCommand("MESSAGE"));
    }
    // WHEN it registers a ninth THEN ERROR and close
    c.register(newId(), null);
    assertThat(expectErrorAndClose(c).header("message")).contains("Too many webSocketIds");
  }

  /** Verifies that malformed frames, bad registration bodies and frames before CONNECT get an ERROR frame and the server lives on. */
  @Test
  void malformedFramesGetAnErrorFrame() {
    List<String> bad = List.of(
        "HELLO\n\n\0",
        "MESSAGE\ndestination:/user/topic/authorization\n\n{}\0",
        "SEND\ndestination:/app/registration\n\nnot json\0",
        "SEND\ndestination:/app/registration\n\n{\"webSocketId\":42}\0",
        "SEND\ndestination:/app/registration\n\n{\"webSocketId\":\"has space\"}\0",
        "SEND\n\n{}\0",
        "BEGIN\ntransaction:t1\n\n\0",
        "SEND\ndestination:/app/registration\ncontent-length:many\n\n{}\0",
        "CONNECT\naccept-version:1.2\n\n\0");
    for (String frame : bad) {
      // GIVEN a connected session WHEN it sends a malformed frame THEN it gets an ERROR frame and is closed
      StompTestClient c = await(StompTestClient.connect(vertx, server.port()));
      c.sendRaw(frame);
      expectErrorAndClose(c);
    }
    // GIVEN a socket that never sent CONNECT WHEN it subscribes THEN ERROR
    StompTestClient early = await(StompTestClient.open(vertx, server.port()));
    early.subscribe("s", "/user/topic/authorization");
    expectErrorAndClose(early);
    assertServerAlive();
  }

  /** Verifies that an oversized body and a frame that never ends are refused with an ERROR frame, server alive. */
  @Test
  void oversizedFramesGetAnErrorFrame() {
    // GIVEN a connected session WHEN it sends a body over maxBodyBytes (1 KiB) THEN ERROR
    StompTestClient big = await(StompTestClient.connect(vertx, server.port()));
    big.send("SEND", Map.of("destination", "/app/registration"), "{\"webSocketId\":\"" + "a".repeat(2000) + "\"}");
    expectErrorAndClose(big);
    // GIVEN a connected session WHEN it streams a header line without end past maxFrameBytes (4 KiB) THEN ERROR
    StompTestClient endless = await(StompTestClient.connect(vertx, server.port()));
    endless.sendRaw("SEND\ndestination:");
    for (int i = 0; i < 5; i++) {
      endless.sendRaw("x".repeat(1000));
    }
    assertThat(expectErrorAndClose(endless).header("message")).contains("Frame too large");
    assertServerAlive();
  }

  /** Verifies that a session sending frames faster than its budget gets an ERROR and is closed. */
  @Test
  void floodingSessionIsClosedWithAnError() {
    // GIVEN a connected session WHEN it sends far more frames than its burst (50)
    StompTestClient c = await(StompTestClient.connect(vertx, server.port()));
    for (int i = 0; i < 200; i++) {
      c.send("UNSUBSCRIBE", Map.of("id", "s" + i), "");
    }
    // THEN it gets a rate-limit ERROR and is closed
    assertThat(expectErrorAndClose(c).header("message")).contains("Rate limit");
    assertServerAlive();
  }

  /** Verifies that the event-bus address refuses bodies without a usable id or authResult with a 400 failure. */
  @Test
  void eventBusRefusesBadRequests() {
    for (Object body : List.of(new JsonObject().put("authResult", "CONFIRMED"),
        new JsonObject().put("webSocketId", "abc"),
        new JsonObject().put("webSocketId", 12).put("authResult", "CONFIRMED"),
        new JsonObject().put("webSocketId", "abc").put("operationId", "op").put("authResult", "CONFIRMED"),
        "not an object")) {
      // GIVEN a bad body WHEN it is sent THEN the request fails with 400
      Throwable failure = switchboard.testing.Await.failure(vertx.eventBus().request(Addresses.WEBFLOW_AUTHORIZATION, body));
      assertThat(failure).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
    }
  }

  /** Verifies that STOMP 1.0 clients (no accept-version) are served and that GET /health answers. */
  @Test
  void stomp10ClientAndHealth() {
    // GIVEN a socket WHEN it connects without accept-version THEN the server speaks 1.0
    StompTestClient c = await(StompTestClient.open(vertx, server.port()));
    c.send("CONNECT", Map.of(), "");
    StompFrame connected = await(c.next());
    assertThat(connected.command()).isEqualTo("CONNECTED");
    assertThat(connected.header("version")).isEqualTo("1.0");
    await(c.close());
    Answer health = request(HttpMethod.GET, "/health", null, null);
    assertThat(health.json()).isEqualTo(new JsonObject().put("status", "ok"));
  }

  /** Verifies that the STOMP 1.2 form of CONNECT (command STOMP) opens a session like CONNECT. */
  @Test
  void stompCommandConnectsLikeConnect() {
    StompTestClient c = await(StompTestClient.open(vertx, server.port()));
    c.send("STOMP", Map.of("accept-version", "1.2", "host", "localhost"), "");
    assertThat(await(c.next()).command()).isEqualTo("CONNECTED");
    await(c.close());
  }

  /** Verifies the documented derivation: webSocketId = lowercase hex SHA-256 of the operationId. */
  @Test
  void webSocketIdDerivation() {
    assertThat(WebSocketIds.fromOperationId("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  private static Answer post(String token, String body) {
    return request(HttpMethod.POST, "/api/authorizations", token, body);
  }

  private static Answer request(HttpMethod method, String path, String token, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(server.port())
        .setURI(path).putHeader("Content-Type", "application/json");
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return await(http.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString()))));
  }

  private static <T> T eventually(java.util.function.Supplier<T> attempt, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      T value = attempt.get();
      if (done.test(value) || System.nanoTime() > deadline) {
        return value;
      }
      await(Future.future(p -> vertx.setTimer(20, id -> p.complete())));
    }
  }
}
