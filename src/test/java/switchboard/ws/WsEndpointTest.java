package switchboard.ws;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.SelfSignedCertificate;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.config.TlsConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import switchboard.testing.WsTestClient;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static switchboard.testing.Await.await;
import static switchboard.testing.Await.failure;

/**
 * Verifies the shared WebSocket transport through a real server and real clients. Each test gets a fresh
 * Vert.x from {@link VertxExtension}, which closes it afterwards; tests that wait for a close or a timeout
 * finish through their {@link VertxTestContext}.
 */
@ExtendWith(VertxExtension.class)
class WsEndpointTest {

  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Completes {@code ctx} when {@code client} is closed with one of {@code codes}, fails it otherwise. */
  private static void expectClose(VertxTestContext ctx, WsTestClient client, Short... codes) {
    client.closed().onComplete(ctx.succeeding(code -> ctx.verify(() -> {
      assertThat(code).isIn((Object[]) codes);
      ctx.completeNow();
    })));
  }

  private EchoService deploy(WsLimits limits, List<String> origins) {
    EchoService service = new EchoService(limits, origins);
    await(vertx.deployVerticle(service));
    return service;
  }

  private EchoService deploy(WsLimits limits) {
    return deploy(limits, List.of());
  }

  private WsTestClient connect(EchoService service) {
    return await(WsTestClient.connect(vertx, service.port, "/ws"));
  }

  @Test
  void echoesJsonAndAnswersMalformedJsonWithErrorFrameKeepingTheConnection() {
    // GIVEN a connected client
    EchoService service = deploy(WsLimits.DEFAULTS);
    WsTestClient client = connect(service);
    // WHEN it sends broken JSON, a JSON array, then a valid object
    client.send("{\"a\":");
    client.send("[1,2]");
    client.send(new JsonObject().put("a", 1));
    // THEN it gets two error frames and then the echo, on the same connection
    assertThat(await(client.next()).getString("error")).isEqualTo("MALFORMED_JSON");
    assertThat(await(client.next()).getString("error")).isEqualTo("MALFORMED_JSON");
    assertThat(await(client.next()).getJsonObject("echo").getInteger("a")).isEqualTo(1);
  }

  @Test
  void handlerFailureIsAnErrorFrameNotACrash() {
    EchoService service = deploy(WsLimits.DEFAULTS);
    WsTestClient client = connect(service);
    client.send(new JsonObject().put("boom", true));
    assertThat(await(client.next()).getString("error")).isEqualTo("INTERNAL_ERROR");
    client.send(new JsonObject().put("still", "alive"));
    assertThat(await(client.next()).getJsonObject("echo").getString("still")).isEqualTo("alive");
  }

  @Test
  void oversizeMessageClosesWith1009(VertxTestContext ctx) {
    EchoService service = deploy(WsLimits.DEFAULTS.withMessageSize(1024, 1, 4096));
    WsTestClient client = connect(service);
    client.send("{\"big\":\"" + "y".repeat(2000) + "\"}");
    expectClose(ctx, client, (short) 1009);
  }

  @Test
  void frameAboveTheHardLimitIsCutOffAndTheServerStaysUp() {
    EchoService service = deploy(WsLimits.DEFAULTS.withMessageSize(1024, 3, 4096));
    WsTestClient client = connect(service);
    client.send("{\"big\":\"" + "y".repeat(10_000) + "\"}");
    // The decoder answers 1009 and drops the TCP connection at once; with the rest of the frame still
    // unread the kernel resets it, so the client may see 1006 instead of the close frame.
    assertThat(await(client.closed())).isIn((short) 1009, (short) 1006);
    await(waitFor(() -> service.metrics.openConnections() == 0));
    WsTestClient next = connect(service);
    next.send(new JsonObject().put("after", true));
    assertThat(await(next.next()).getJsonObject("echo").getBoolean("after")).isTrue();
  }

  @Test
  void oversizeBelowTheCloseCountIsAnErrorFrame(VertxTestContext ctx) {
    EchoService service = deploy(WsLimits.DEFAULTS.withMessageSize(1024, 2, 4096));
    WsTestClient client = connect(service);
    client.send("{\"big\":\"" + "y".repeat(2000) + "\"}");
    assertThat(await(client.next()).getString("error")).isEqualTo("TOO_LARGE");
    client.send("{\"big\":\"" + "y".repeat(2000) + "\"}");
    expectClose(ctx, client, (short) 1009);
  }

  @Test
  void binaryFrameClosesWith1003(VertxTestContext ctx) {
    EchoService service = deploy(WsLimits.DEFAULTS);
    WsTestClient client = connect(service);
    client.sendBinary(Buffer.buffer(new byte[] {1, 2, 3}));
    expectClose(ctx, client, (short) 1003);
  }

  @Test
  void authDeadlineClosesUnauthenticatedButNotAuthenticatedConnections() {
    EchoService service = deploy(WsLimits.DEFAULTS.withAuthTimeout(Duration.ofMillis(300)));
    WsTestClient authed = connect(service);
    authed.send(new JsonObject().put("auth", true));
    await(authed.next());
    WsTestClient silent = connect(service);
    assertThat(await(silent.closed())).isEqualTo((short) 4001);
    authed.send(new JsonObject().put("ping", 1));
    assertThat(await(authed.next()).getJsonObject("echo").getInteger("ping")).isEqualTo(1);
  }

  @Test
  void idleTimeoutCloses(VertxTestContext ctx) {
    EchoService service = deploy(WsLimits.DEFAULTS.withIdleTimeout(Duration.ofMillis(300)));
    WsTestClient client = connect(service);
    expectClose(ctx, client, (short) 4005);
  }

  @Test
  void rateLimitAnswersRateLimitedThenClosesPersistentAbuse() {
    // GIVEN a limit of 5 messages in a burst and 1/s refill, closing after 10 limited messages in a row
    EchoService service = deploy(WsLimits.DEFAULTS.withRate(1, 5, 10));
    WsTestClient client = connect(service);
    // WHEN the client floods 20 messages
    for (int i = 0; i < 20; i++) {
      client.send(new JsonObject().put("n", i));
    }
    // THEN the first five are echoed, the next ones are refused, and the flood ends in a close
    for (int i = 0; i < 5; i++) {
      assertThat(await(client.next()).getJsonObject("echo").getInteger("n")).isEqualTo(i);
    }
    assertThat(await(client.next()).getString("error")).isEqualTo("RATE_LIMITED");
    assertThat(await(client.closed())).isEqualTo((short) 1008);
  }

  @Test
  void perIpLimitRefusesTheExtraConnectionAndFreesTheSlotOnClose() {
    WsLimits limits = new WsLimits(65536, 1, 262144, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        0, 1, 1, 2, 0, 262144, 1 << 20, Duration.ofSeconds(10));
    EchoService service = deploy(limits);
    WsTestClient first = connect(service);
    connect(service);
    Throwable refused = failure(WsTestClient.connect(vertx, service.port, "/ws"));
    assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(429);
    await(first.close());
    await(first.closed());
    assertThat(await(retryConnect(service))).isNotNull();
  }

  private io.vertx.core.Future<WsTestClient> retryConnect(EchoService service) {
    // The server sees the close a moment after the client does; retry on that refusal only.
    return WsTestClient.connect(vertx, service.port, "/ws").recover(err ->
        vertx.timer(50).compose(t -> retryConnect(service)));
  }

  @Test
  void originAllowListRefusesOtherOrigins() {
    EchoService service = deploy(WsLimits.DEFAULTS, List.of("https://app.example"));
    WebSocketConnectOptions good = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.port)
        .setURI("/ws").addHeader("Origin", "https://app.example");
    WebSocketConnectOptions bad = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.port)
        .setURI("/ws").addHeader("Origin", "https://evil.example");
    assertThat(await(WsTestClient.connect(vertx, good))).isNotNull();
    Throwable refused = failure(WsTestClient.connect(vertx, bad));
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(403);
  }

  @Test
  void unknownPathIsRefused() {
    EchoService service = deploy(WsLimits.DEFAULTS);
    Throwable refused = failure(WsTestClient.connect(vertx, service.port, "/other"));
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(404);
  }

  @Test
  void clientThatStopsReadingIsClosedAsSlowConsumerWithBoundedWrites(VertxTestContext ctx) {
    // GIVEN a client that stops reading
    WsLimits limits = new WsLimits(65536, 1, 262144, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        0, 1, 1, 0, 0, 64 * 1024, 512 * 1024, Duration.ofSeconds(30));
    EchoService service = deploy(limits);
    WsTestClient client = connect(service);
    client.socket().pause();
    // WHEN the server tries to push 100 MB at it
    client.send(new JsonObject().put("flood", 1600).put("size", 65536));
    // THEN the server gives up well before that and closes it as a slow consumer; the client then reads
    // again, so the close handshake completes at once instead of running into the closing timeout
    waitFor(() -> service.floodSent >= 0 && service.closes(4009) == 1.0)
        .compose(v -> {
          ctx.verify(() -> assertThat(service.floodSent).isLessThan(1600));
          client.socket().resume();
          return client.closed();
        })
        .compose(code -> waitFor(() -> service.metrics.openConnections() == 0))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void servesWssFromPemFiles() {
    // GIVEN TLS switched on with a PEM certificate and key
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    TlsConfig tls = TlsConfig.read(new ConfigReader(new JsonObject().put("enabled", true)
        .put("certPath", cert.certificatePath()).put("keyPath", cert.privateKeyPath())));
    EchoService service = new EchoService(WsLimits.DEFAULTS, List.of(), tls);
    await(vertx.deployVerticle(service));
    // WHEN a client connects with wss
    WebSocketClient wss = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
        .setTrustOptions(cert.trustOptions()).setVerifyHost(false));
    WebSocket socket = await(wss.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(service.port).setURI("/ws").setSsl(true)));
    // THEN the session is encrypted and works like any other
    assertThat(socket.isSsl()).isTrue();
    Promise<String> reply = Promise.promise();
    socket.textMessageHandler(reply::tryComplete);
    socket.writeTextMessage("{\"over\":\"tls\"}");
    assertThat(new JsonObject(await(reply.future())).getJsonObject("echo").getString("over")).isEqualTo("tls");
  }

  @Test
  void missingPemFileIsAConfigErrorNamingTheKey() {
    assertThatThrownBy(() -> TlsConfig.read(new ConfigReader(new JsonObject().put("tls",
        new JsonObject().put("enabled", true).put("certPath", "/nope.pem").put("keyPath", "/nope.key"))).section("tls")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tls.certPath");
  }

  @Test
  void shutdownClosesConnectionsWith1001(VertxTestContext ctx) {
    EchoService service = deploy(WsLimits.DEFAULTS);
    WsTestClient client = connect(service);
    expectClose(ctx, client, (short) 1001);
    vertx.undeploy(vertx.deploymentIDs().iterator().next());
  }

  private io.vertx.core.Future<Void> waitFor(java.util.function.BooleanSupplier condition) {
    if (condition.getAsBoolean()) {
      return io.vertx.core.Future.succeededFuture();
    }
    return vertx.timer(20).compose(t -> waitFor(condition));
  }
}
