package switchboard.webflow;

import io.vertx.core.eventbus.Message;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import switchboard.bus.Addresses;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static switchboard.testing.Await.await;
import static switchboard.testing.Await.failure;

/** Web Flow behaviour that depends on configuration or a server of its own: credentials, takeover, heart-beats, upgrade guard, shutdown. */
@ExtendWith(VertxExtension.class)
class WebFlowOptionsTest {

  /** Verifies that when the node shuts down, every STOMP client sees close code 1001 (going away). */
  @Test
  void shutdownClosesSessionsWith1001(VertxTestContext ctx) throws InterruptedException {
    try (WebFlowServer server = WebFlowServer.start(new JsonObject())) {
      // GIVEN a registered session and a socket that has only connected
      StompTestClient registered = await(StompTestClient.registered(server.vertx, server.port(), "s-" + UUID.randomUUID()));
      StompTestClient connected = await(StompTestClient.connect(server.vertx, server.port()));
      Checkpoint goingAway = ctx.checkpoint(2);
      for (StompTestClient c : List.of(registered, connected)) {
        c.closed().onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertThat(code).isEqualTo((short) 1001);
          goingAway.flag();
        })));
      }
      // WHEN the service stops
      server.vertx.undeploy(server.vertx.deploymentIDs().iterator().next());
      // THEN both see 1001
      assertThat(ctx.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** Verifies that with login/passcode configured, CONNECT without them is refused with ERROR and with them succeeds. */
  @Test
  void connectCredentialsWhenConfigured() {
    try (WebFlowServer server = WebFlowServer.start(new JsonObject().put("login", "web").put("passcode", "s3cret"))) {
      // GIVEN a server requiring credentials WHEN a client connects with a wrong passcode THEN ERROR
      StompTestClient wrong = await(StompTestClient.open(server.vertx, server.port()));
      wrong.send("CONNECT", Map.of("accept-version", "1.2", "login", "web", "passcode", "nope"), "");
      assertThat(await(wrong.next()).command()).isEqualTo("ERROR");
      await(wrong.closed());
      // WHEN it connects with the right ones THEN CONNECTED
      StompTestClient right = await(StompTestClient.open(server.vertx, server.port()));
      right.send("CONNECT", Map.of("accept-version", "1.2", "login", "web", "passcode", "s3cret"), "");
      assertThat(await(right.next()).command()).isEqualTo("CONNECTED");
      await(right.close());
    }
  }

  /** Verifies that with refuseTakeover true, a second session registering a held webSocketId is refused and the owner keeps it. */
  @Test
  void takeoverRefusedWhenConfigured() {
    try (WebFlowServer server = WebFlowServer.start(new JsonObject().put("refuseTakeover", true))) {
      // GIVEN an id registered by a first session
      String id = "t-" + UUID.randomUUID();
      StompTestClient owner = await(StompTestClient.registered(server.vertx, server.port(), id));
      // WHEN a second session registers it
      StompTestClient second = await(StompTestClient.connect(server.vertx, server.port()));
      second.register(id, "steal");
      // THEN the second gets an ERROR (with the receipt id) and is closed
      StompTestClient.StompFrame error = await(second.nextCommand("ERROR"));
      assertThat(error.header("message")).isEqualTo("webSocketId is registered by another session");
      assertThat(error.header("receipt-id")).isEqualTo("steal");
      await(second.closed());
      // AND notifications still go to the owner
      JsonObject body = new JsonObject().put("webSocketId", id).put("authResult", "CONFIRMED");
      JsonObject reply = await(server.vertx.eventBus().<JsonObject>request(Addresses.WEBFLOW_AUTHORIZATION, body)
          .map(Message::body));
      assertThat(reply.getBoolean("delivered")).isTrue();
      assertThat(await(owner.next(f -> "sub-auth".equals(f.header("subscription")))).json()).isEqualTo(body);
      await(owner.close());
    }
  }

  /** Verifies that heart-beats are negotiated in CONNECTED and the server sends EOL heart-beats. */
  @Test
  void heartBeatsAreNegotiatedAndSent() {
    try (WebFlowServer server = WebFlowServer.start(new JsonObject().put("stomp", new JsonObject().put("heartbeatMs", 100)))) {
      // GIVEN a client offering heart-beats both ways every 100 ms
      StompTestClient c = await(StompTestClient.open(server.vertx, server.port()));
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("accept-version", "1.1,1.2");
      headers.put("heart-beat", "100,100");
      c.send("CONNECT", headers, "");
      // WHEN the server answers
      StompTestClient.StompFrame connected = await(c.next());
      // THEN it agrees on heart-beats and sends some
      assertThat(connected.header("heart-beat")).isEqualTo("100,100");
      assertThat(connected.header("version")).isEqualTo("1.2");
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (c.heartbeats() < 2 && System.nanoTime() < deadline) {
        c.sendRaw("\n");
        await(io.vertx.core.Future.future(p -> server.vertx.setTimer(50, id -> p.complete())));
      }
      assertThat(c.heartbeats()).isGreaterThanOrEqualTo(2);
      await(c.close());
    }
  }

  /** Verifies that upgrades from a foreign Origin (403), to another path (404) and beyond the per-IP limit (429) are refused. */
  @Test
  void upgradesAreGuarded() {
    JsonObject overrides = new JsonObject().put("allowedOrigins", new JsonArray().add("https://bank.example"))
        .put("stomp", new JsonObject().put("maxConnectionsPerIp", 1));
    try (WebFlowServer server = WebFlowServer.start(overrides)) {
      WebSocketClient client = server.vertx.createWebSocketClient();
      WebSocketConnectOptions base = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
          .setURI("/websocket");
      // GIVEN the allowed origin WHEN one socket is open THEN it connects
      var ok = await(client.connect(new WebSocketConnectOptions(base).addHeader("Origin", "https://bank.example")));
      // WHEN a foreign origin, a wrong path or a second socket from the same IP connect THEN they are refused
      assertThat(failure(client.connect(new WebSocketConnectOptions(base).addHeader("Origin", "https://evil.example"))))
          .hasMessageContaining("403");
      assertThat(failure(client.connect(new WebSocketConnectOptions(base).setURI("/other")
          .addHeader("Origin", "https://bank.example")))).hasMessageContaining("404");
      assertThat(failure(client.connect(new WebSocketConnectOptions(base).addHeader("Origin", "https://bank.example"))))
          .hasMessageContaining("429");
      await(ok.close());
      await(client.close());
    }
  }

  /** Verifies that a socket that never sends CONNECT gets an ERROR and is closed after connectTimeoutMs. */
  @Test
  void socketWithoutConnectIsClosed() {
    try (WebFlowServer server = WebFlowServer.start(new JsonObject().put("stomp", new JsonObject().put("connectTimeoutMs", 200)))) {
      // GIVEN a socket that opens and stays silent
      StompTestClient silent = await(StompTestClient.open(server.vertx, server.port()));
      // WHEN the CONNECT deadline passes THEN it gets an ERROR and is closed
      assertThat(await(silent.next()).header("message")).contains("No CONNECT");
      await(silent.closed());
      // AND a client that connects in time stays connected past the deadline
      StompTestClient prompt = await(StompTestClient.registered(server.vertx, server.port(), "p-" + UUID.randomUUID()));
      await(server.vertx.timer(400));
      await(prompt.barrier());
      assertThat(prompt.closed().isComplete()).isFalse();
      await(prompt.close());
    }
  }

  /** Verifies that bad configuration values stop start-up with the key named. */
  @Test
  void badConfigurationNamesTheKey() {
    assertThatThrownBy(() -> WebFlowConfig.read(new ConfigReader(new JsonObject().put("path", "no-slash"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("path");
    assertThatThrownBy(() -> WebFlowConfig.read(new ConfigReader(new JsonObject().put("login", "x"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("passcode");
    assertThatThrownBy(() -> WebFlowConfig.read(new ConfigReader(new JsonObject()
        .put("stomp", new JsonObject().put("maxBodyBytes", 8192).put("maxFrameBytes", 4096)))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("stomp.maxFrameBytes");
  }
}
