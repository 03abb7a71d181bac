package switchboard.wallet;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.testing.AbuseRequests;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;
import static switchboard.wallet.WalletFixture.call;
import static switchboard.wallet.WalletFixture.connect;
import static switchboard.wallet.WalletFixture.requestId;

/**
 * Verifies that hostile HTTP requests and WebSocket frames get the documented answer and that a client on the
 * same node keeps working: after every attack a bystander's signed GET_BALANCE is answered.
 */
class WalletAbuseTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private int port;
  private String token;
  private String usdc;
  private final TestWallet alice = new TestWallet(WalletFixture.DOMAIN);
  private WsTestClient bystander;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    WalletConfig config = WalletFixture.config(dataDir, json -> json);
    port = WalletFixture.deploy(TestPlatform.single(vertx), config);
    usdc = config.tokens().get(0).domainSeparator();
    token = WalletFixture.serviceToken(vertx);
    bystander = connect(vertx, port);
    bystanderStillServed();
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private void bystanderStillServed() {
    assertThat(call(bystander, alice, "GET_BALANCE", requestId(), usdc).getString("type")).isEqualTo("BALANCE_RESULT");
  }

  private int transfer(String body) {
    return transfer(Buffer.buffer(body));
  }

  private int transfer(Buffer body) {
    return AbuseRequests.status(vertx, port, HttpMethod.POST, "/api/wallet/transfers",
        new String[] {"Authorization", "Bearer " + token}, body);
  }

  /** Verifies 431 for oversize headers and 413 for oversize bodies on every route (/health reads no body). */
  @Test
  void oversizeHeadersAndBodiesOnEveryRoute() {
    for (Object[] route : List.of(new Object[] {HttpMethod.GET, "/health"}, new Object[] {HttpMethod.GET, "/basic-data"},
        new Object[] {HttpMethod.POST, "/api/wallet/transfers"})) {
      String uri = (String) route[1];
      assertThat(AbuseRequests.status(vertx, port, (HttpMethod) route[0], uri,
          new String[] {"X-Padding", AbuseRequests.HUGE_HEADER_VALUE}, null)).as("header on " + uri).isEqualTo(431);
      bystanderStillServed();
    }
    assertThat(transfer("{\"from\":\"" + "x".repeat(1024 * 1024) + "\"}")).isEqualTo(413);
    assertThat(AbuseRequests.status(vertx, port, HttpMethod.GET, "/basic-data", null,
        Buffer.buffer("x".repeat(1024 * 1024)))).isEqualTo(413);
    // /health answers before any body is read: a body sent with it is discarded unread
    assertThat(AbuseRequests.status(vertx, port, HttpMethod.GET, "/health", null,
        Buffer.buffer("x".repeat(1024 * 1024)))).isEqualTo(200);
    bystanderStillServed();
  }

  /** Verifies deep nesting, huge numbers and invalid UTF-8 in transfer bodies: 413 past the body limit, else 400. */
  @Test
  void hostileTransferBodies() {
    assertThat(transfer(AbuseRequests.nested(10_000))).isEqualTo(413);
    assertThat(transfer("{\"signature\":" + AbuseRequests.nested(1_500) + "}")).isEqualTo(400);
    assertThat(transfer("{\"deadline\":" + AbuseRequests.number(1024 * 1024) + "}")).isEqualTo(413);
    assertThat(transfer("{\"deadline\":" + AbuseRequests.number(2_000) + "}")).isEqualTo(400);
    assertThat(transfer(Buffer.buffer(AbuseRequests.invalidUtf8Json()))).isEqualTo(400);
    bystanderStillServed();
  }

  /** Verifies the same attacks as WebSocket frames: 1009 past the frame limit, INVALID_MESSAGE below it. */
  @Test
  void hostileFrames() {
    WsTestClient deep = connect(vertx, port);
    deep.send(AbuseRequests.nested(10_000));
    assertThat(await(deep.closed())).isEqualTo((short) 1009);
    bystanderStillServed();

    WsTestClient bigNumber = connect(vertx, port);
    bigNumber.send("{\"deadline\":" + AbuseRequests.number(1024 * 1024) + "}");
    // Past the 64 KiB hard frame limit the decoder answers 1009 and drops the connection; with the rest of the
    // frame still in flight the kernel resets it, so the client may see 1006 instead.
    assertThat(await(bigNumber.closed())).isIn((short) 1009, (short) 1006);
    bystanderStillServed();

    WsTestClient belowLimits = connect(vertx, port);
    for (String frame : List.of("{\"payload\":" + AbuseRequests.nested(2_000) + "}",
        "{\"deadline\":" + AbuseRequests.number(5_000) + "}")) {
      belowLimits.send(frame);
      JsonObject refused = await(belowLimits.next(m -> "ERROR".equals(m.getString("type"))));
      assertThat(refused.getJsonObject("payload").getString("errorCode")).isEqualTo("INVALID_MESSAGE");
    }
    assertThat(call(belowLimits, alice, "GET_BALANCE", requestId(), usdc).getString("type")).isEqualTo("BALANCE_RESULT");
    // A text message that is not UTF-8 is closed by the shared transport with 1007.
    AbuseRequests.sendRawText(belowLimits, AbuseRequests.invalidUtf8Json());
    assertThat(await(belowLimits.closed())).isEqualTo((short) 1007);
    bystanderStillServed();
  }
}
