package switchboard.fingerprint;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.testing.AbuseRequests;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.fingerprint.FingerprintFixture.SCAN_KEY;
import static switchboard.fingerprint.FingerprintFixture.next;
import static switchboard.testing.Await.await;

/**
 * Verifies that hostile HTTP requests and WebSocket frames get the documented answer and that a client on the
 * same node keeps working: after every attack a bystander's ping is answered with pong.
 */
class FingerprintAbuseTest {

  /** Every REST route of the service, with the method it answers. */
  private static final List<Object[]> ROUTES = List.of(
      new Object[] {HttpMethod.GET, "/health"}, new Object[] {HttpMethod.GET, "/api/health"},
      new Object[] {HttpMethod.GET, "/api/devices"}, new Object[] {HttpMethod.GET, "/api/devices/dev-ok"},
      new Object[] {HttpMethod.POST, "/api/scans"}, new Object[] {HttpMethod.GET, "/api/scans/scan-x"},
      new Object[] {HttpMethod.DELETE, "/api/scans/scan-x"});

  private Vertx vertx;
  private FingerprintFixture fp;
  private WsTestClient bystander;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    fp = FingerprintFixture.start(TestPlatform.single(vertx), FingerprintFixture.config());
    bystander = fp.client(SCAN_KEY);
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private void bystanderStillServed() {
    bystander.send(new JsonObject().put("type", "ping"));
    assertThat(next(bystander, "pong").getString("type")).isEqualTo("pong");
  }

  private int rest(HttpMethod method, String uri, String[] header, String body) {
    String[] key = header != null ? header : new String[] {"X-API-Key", SCAN_KEY};
    return AbuseRequests.status(vertx, fp.port(), method, uri, key, body == null ? null : Buffer.buffer(body));
  }

  /** Verifies 431 for oversize headers and 413 for oversize bodies on every route. */
  @Test
  void oversizeHeadersAndBodiesOnEveryRoute() {
    for (Object[] route : ROUTES) {
      HttpMethod method = (HttpMethod) route[0];
      String uri = (String) route[1];
      assertThat(rest(method, uri, new String[] {"X-Padding", AbuseRequests.HUGE_HEADER_VALUE}, null))
          .as("header on " + uri).isEqualTo(431);
      // /health answers before any body is read (the body is discarded unread); every other route reads it
      assertThat(rest(method, uri, null, "{\"deviceId\":\"" + "x".repeat(1024 * 1024) + "\"}"))
          .as("body on " + uri).isEqualTo(uri.equals("/health") ? 200 : 413);
      bystanderStillServed();
    }
  }

  /** Verifies deep nesting, huge numbers and invalid UTF-8 in REST bodies: 413 past the body limit, else 400. */
  @Test
  void hostileJsonBodies() {
    assertThat(rest(HttpMethod.POST, "/api/scans", null, AbuseRequests.nested(10_000))).isEqualTo(413);
    assertThat(rest(HttpMethod.POST, "/api/scans", null, "{\"deviceId\":\"dev-ok\",\"options\":" + AbuseRequests.nested(2_000) + "}"))
        .isEqualTo(400);
    assertThat(rest(HttpMethod.POST, "/api/scans", null, "{\"deviceId\":\"dev-ok\",\"options\":{\"timeout\":"
        + AbuseRequests.number(1024 * 1024) + "}}")).isEqualTo(413);
    assertThat(rest(HttpMethod.POST, "/api/scans", null, "{\"deviceId\":\"dev-ok\",\"options\":{\"timeout\":"
        + AbuseRequests.number(5_000) + "}}")).isEqualTo(400);
    int invalidUtf8 = AbuseRequests.status(vertx, fp.port(), HttpMethod.POST, "/api/scans",
        new String[] {"X-API-Key", SCAN_KEY}, Buffer.buffer(AbuseRequests.invalidUtf8Json()));
    assertThat(invalidUtf8).isEqualTo(400);
    bystanderStillServed();
  }

  /** Verifies the same attacks as WebSocket frames: 1009 past the size limits, 4000 below them, 1007 for bad UTF-8. */
  @Test
  void hostileFrames() {
    WsTestClient deep = fp.client(SCAN_KEY);
    deep.send(AbuseRequests.nested(10_000));
    assertThat(await(deep.closed())).isEqualTo((short) 1009);
    bystanderStillServed();

    WsTestClient bigNumber = fp.client(SCAN_KEY);
    bigNumber.send("{\"type\":\"ping\",\"n\":" + AbuseRequests.number(1024 * 1024) + "}");
    // Past the 64 KiB hard frame limit the decoder answers 1009 and drops the connection; with the rest of the
    // frame still in flight the kernel resets it, so the client may see 1006 instead.
    assertThat(await(bigNumber.closed())).isIn((short) 1009, (short) 1006);
    bystanderStillServed();

    WsTestClient belowLimits = fp.client(SCAN_KEY);
    belowLimits.send("{\"type\":\"ping\",\"n\":" + AbuseRequests.nested(2_000) + "}");
    assertThat(next(belowLimits, "error").getInteger("code")).isEqualTo(4000);
    belowLimits.send("{\"type\":\"ping\",\"n\":" + AbuseRequests.number(5_000) + "}");
    assertThat(next(belowLimits, "error").getInteger("code")).isEqualTo(4000);
    belowLimits.send(new JsonObject().put("type", "ping"));
    assertThat(next(belowLimits, "pong").getString("type")).isEqualTo("pong");
    bystanderStillServed();

    // A text message that is not UTF-8 is closed by the shared transport with 1007.
    WsTestClient invalidUtf8 = fp.client(SCAN_KEY);
    AbuseRequests.sendRawText(invalidUtf8, AbuseRequests.invalidUtf8Json());
    assertThat(await(invalidUtf8.closed())).isEqualTo((short) 1007);
    bystanderStillServed();
  }
}
