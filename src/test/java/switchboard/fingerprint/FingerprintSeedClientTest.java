package switchboard.fingerprint;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.fingerprint.FingerprintFixture.SCAN_KEY;
import static switchboard.testing.Await.await;

/**
 * Verifies the service against a client written from the Fingerprint WebSocket reference alone: it connects
 * to the root URL, sends exactly the reference's messages (its {@code FingerprintWebSocket} class: auth with an
 * API key, subscribe, {@code startScan(deviceId)} with {@code options: {}}, pong for every ping) and expects
 * exactly the fields the reference shows, nothing Switchboard adds. The fixture's {@code dev-enroll} reader is
 * configured with {@code scan.deviceScansRequired: 2}, the documented way such a client reaches scan:progress.
 */
class FingerprintSeedClientTest {

  private Vertx vertx;
  private FingerprintFixture fp;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    // A short heartbeat, so the reference client's ping → pong runs during the scan; a slower finger on the
    // enrollment reader, so a second client's start certainly meets the scan still running.
    JsonObject config = FingerprintFixture.config().put("heartbeatIntervalMs", 100);
    config.getJsonObject("hardware").getJsonObject("simulated").getJsonArray("devices").stream()
        .map(JsonObject.class::cast).filter(d -> "dev-enroll".equals(d.getString("id")))
        .forEach(d -> d.put("detectDelayMs", 400));
    fp = FingerprintFixture.start(TestPlatform.single(vertx), config);
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  /** The reference client: answers ping with pong and hands every other message to its caller. */
  private static final class SeedClient {
    private final WsTestClient ws;

    SeedClient(WsTestClient ws) {
      this.ws = ws;
    }

    void send(JsonObject data) {
      ws.send(data.encode());
    }

    /** The next message of this type; pings met on the way get the reference's {@code {type: 'pong'}}. */
    JsonObject on(String type) {
      while (true) {
        JsonObject data = await(ws.next(m -> type.equals(m.getString("type")) || "ping".equals(m.getString("type"))));
        if ("ping".equals(data.getString("type")) && !"ping".equals(type)) {
          send(new JsonObject().put("type", "pong"));
        } else {
          return data;
        }
      }
    }
  }

  private SeedClient connect() {
    return new SeedClient(await(WsTestClient.connect(vertx, fp.port(), "/")));
  }

  private static void assertTimestamp(JsonObject data) {
    assertThat(Instant.parse(data.getString("timestamp"))).isNotNull();
  }

  /** Verifies auth, subscribe, an enrollment scan with progress, the busy refusal and unsubscribe, field by field. */
  @Test
  void referenceClientRunsAnEnrollmentScan() {
    // GIVEN the reference client, authenticated as its authenticate() does
    SeedClient client = connect();
    client.send(new JsonObject().put("type", "auth").put("apiKey", SCAN_KEY));
    assertThat(client.on("auth:success")).isEqualTo(new JsonObject().put("type", "auth:success")
        .put("message", "Authentication successful").put("permissions", new JsonArray().add("device:read").add("fingerprint:scan")));
    // WHEN it subscribes to the device and calls startScan('dev-enroll')
    client.send(new JsonObject().put("type", "subscribe").put("deviceId", "dev-enroll"));
    assertThat(client.on("subscribe:success")).isEqualTo(new JsonObject().put("type", "subscribe:success")
        .put("deviceId", "dev-enroll").put("message", "Subscribed to device events"));
    client.send(new JsonObject().put("type", "scan:start").put("deviceId", "dev-enroll").put("options", new JsonObject()));
    // THEN scan:started, and while the device is scanning a second client's start is refused as the reference shows
    JsonObject started = client.on("scan:started");
    assertThat(started.fieldNames()).containsExactlyInAnyOrder("type", "scanId", "deviceId", "timestamp");
    assertThat(started.getString("deviceId")).isEqualTo("dev-enroll");
    String scanId = started.getString("scanId");
    SeedClient second = connect();
    second.send(new JsonObject().put("type", "auth").put("apiKey", SCAN_KEY));
    second.on("auth:success");
    second.send(new JsonObject().put("type", "scan:start").put("deviceId", "dev-enroll").put("options", new JsonObject()));
    JsonObject busy = second.on("scan:error");
    assertThat(busy.fieldNames()).containsExactlyInAnyOrder("type", "message", "code", "timestamp");
    assertThat(busy.getString("message")).isEqualTo("Device is busy");
    assertThat(busy.getInteger("code")).isEqualTo(1002);
    assertThat(busy.getValue("retryable")).isNull();
    assertTimestamp(busy);
    // AND the first client sees the reference's detection, progress and completion events, field for field
    JsonObject detected = client.on("fingerprint:detected");
    assertThat(detected.fieldNames()).containsExactlyInAnyOrder("type", "deviceId", "scanId", "quality", "timestamp");
    JsonObject progress = client.on("scan:progress");
    assertThat(progress.fieldNames()).containsExactlyInAnyOrder("type", "scanId", "deviceId", "scansCompleted",
        "scansRequired", "message", "timestamp");
    assertThat(progress.getMap()).containsEntry("scanId", scanId).containsEntry("scansCompleted", 1)
        .containsEntry("scansRequired", 2).containsEntry("message", "Place finger again");
    JsonObject complete = client.on("scan:complete");
    assertThat(complete.fieldNames()).containsExactlyInAnyOrder("type", "scanId", "deviceId", "template", "quality",
        "scanTime", "timestamp");
    assertThat(Base64.getDecoder().decode(complete.getString("template"))).isNotEmpty();
    assertTimestamp(complete);
    // AND unsubscribe answers as the reference shows
    client.send(new JsonObject().put("type", "unsubscribe").put("deviceId", "dev-enroll"));
    assertThat(client.on("unsubscribe:success")).isEqualTo(new JsonObject().put("type", "unsubscribe:success")
        .put("deviceId", "dev-enroll").put("message", "Unsubscribed from device events"));
  }

  /** Verifies the reference's error responses: unknown device on subscribe and scan:start, bad API key. */
  @Test
  void referenceErrorResponses() {
    SeedClient client = connect();
    client.send(new JsonObject().put("type", "auth").put("apiKey", SCAN_KEY));
    client.on("auth:success");
    client.send(new JsonObject().put("type", "subscribe").put("deviceId", "device-404"));
    assertThat(client.on("subscribe:error")).isEqualTo(new JsonObject().put("type", "subscribe:error")
        .put("deviceId", "device-404").put("message", "Device not found").put("code", 1001));
    client.send(new JsonObject().put("type", "scan:start").put("deviceId", "device-404").put("options", new JsonObject()));
    JsonObject notFound = client.on("scan:error");
    assertThat(notFound.fieldNames()).containsExactlyInAnyOrder("type", "message", "code", "timestamp");
    assertThat(notFound.getInteger("code")).isEqualTo(1001);
    SeedClient stranger = connect();
    stranger.send(new JsonObject().put("type", "auth").put("apiKey", "your-api-key-here"));
    assertThat(stranger.on("auth:error")).isEqualTo(new JsonObject().put("type", "auth:error")
        .put("message", "Invalid API key").put("code", 4001));
  }
}
