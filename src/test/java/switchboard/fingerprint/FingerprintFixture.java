package switchboard.fingerprint;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.config.ConfigReader;
import switchboard.fingerprint.hardware.HardwareVerticle;
import switchboard.fingerprint.hardware.UsbBus;
import switchboard.fingerprint.impl.ApiKeys;
import switchboard.platform.Platform;
import switchboard.testing.WsTestClient;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * A Fingerprint service for tests: fast simulated readers (one per failure mode), keys with known
 * permissions, helpers for WebSocket and REST clients.
 */
final class FingerprintFixture {

  static final String SCAN_KEY = "ak_test_scanner_key_000000000001";
  static final String READ_KEY = "ak_test_reader_key_0000000000002";
  static final String NO_PERMS_KEY = "ak_live_nothing_key_000000000003";
  static final String REVOKED_KEY = "ak_live_revoked_key_000000000004";
  static final String UNKNOWN_KEY = "ak_live_unknown_key_000000000005";
  static final String OTHER_SCAN_KEY = "ak_test_second_scanner_0000000006";

  final HardwareVerticle hardware;
  final FingerprintVerticle service;
  final Vertx vertx;

  private FingerprintFixture(Vertx vertx, HardwareVerticle hardware, FingerprintVerticle service) {
    this.vertx = vertx;
    this.hardware = hardware;
    this.service = service;
  }

  /** The service section used by the tests: port 0, no USB, fast simulated readers, short timeouts. */
  static JsonObject config() {
    return new JsonObject()
        .put("host", "127.0.0.1")
        .put("port", 0)
        .put("heartbeatIntervalMs", 0)
        .put("ws", new JsonObject().put("authTimeoutMs", 2000).put("idleTimeoutMs", 0))
        .put("apiKeys", new JsonArray()
            .add(key(SCAN_KEY, "device:read", "fingerprint:scan"))
            .add(key(READ_KEY, "device:read"))
            .add(key(OTHER_SCAN_KEY, "device:read", "fingerprint:scan"))
            .add(key(NO_PERMS_KEY))
            .add(key(REVOKED_KEY, "device:read", "fingerprint:scan").put("revoked", true)))
        .put("scan", new JsonObject().put("deviceScansRequired", new JsonObject().put("dev-enroll", 2)))
        .put("hardware", new JsonObject()
            .put("usb", new JsonObject().put("enabled", false))
            .put("simulated", new JsonObject().put("seed", 7).put("devices", new JsonArray()
                .add(reader("dev-ok", "none").put("qualityMin", 80).put("qualityMax", 95))
                .add(reader("dev-enroll", "none").put("qualityMin", 80).put("qualityMax", 95))
                .add(reader("dev-low", "none").put("qualityMin", 10).put("qualityMax", 20))
                .add(reader("dev-nofinger", "no_finger"))
                .add(reader("dev-error", "error"))
                .add(reader("dev-unplug", "unplug").put("replugAfterMs", 200)))));
  }

  static JsonObject key(String key, String... permissions) {
    return new JsonObject().put("hash", ApiKeys.hashHex(key)).put("permissions", new JsonArray(List.of(permissions)));
  }

  static JsonObject reader(String id, String failure) {
    return new JsonObject().put("id", id).put("serialNumber", "SN-" + id).put("model", "Test Reader")
        .put("firmwareVersion", "2.1.0").put("detectDelayMs", 30).put("captureTimeMs", 30).put("failure", failure);
  }

  static FingerprintConfig parse(JsonObject section) {
    return FingerprintConfig.read(new ConfigReader(section));
  }

  static FingerprintFixture start(Platform platform, JsonObject section) {
    return start(platform, section, () -> {
      throw new AssertionError("USB is switched off in this test");
    });
  }

  /** Deploys the hardware verticle (worker, as the definition does) and the service verticle. */
  static FingerprintFixture start(Platform platform, JsonObject section, Supplier<UsbBus> usb) {
    FingerprintConfig config = parse(section);
    Vertx vertx = platform.vertx();
    HardwareVerticle hardware = null;
    if (config.hardware().enabled()) {
      hardware = new HardwareVerticle(platform, config, usb);
      await(vertx.deployVerticle(hardware, FingerprintDefinition.hardwareDeployment()));
    }
    FingerprintVerticle service = new FingerprintVerticle(platform, config);
    await(vertx.deployVerticle(service));
    return new FingerprintFixture(vertx, hardware, service);
  }

  int port() {
    return service.port();
  }

  WsTestClient connect() {
    return await(WsTestClient.connect(vertx, port(), "/"));
  }

  /** A client authenticated with an API key, its auth:success and service:status taken. */
  WsTestClient client(String apiKey) {
    WsTestClient c = connect();
    c.send(new JsonObject().put("type", "auth").put("apiKey", apiKey));
    assertThat(await(c.next()).getString("type")).isEqualTo("auth:success");
    assertThat(await(c.next()).getString("type")).isEqualTo("service:status");
    return c;
  }

  WsTestClient admin(String token) {
    WsTestClient c = connect();
    c.send(new JsonObject().put("type", "auth").put("token", token));
    assertThat(await(c.next()).getString("type")).isEqualTo("auth:success");
    assertThat(await(c.next()).getString("type")).isEqualTo("service:status");
    return c;
  }

  static JsonObject next(WsTestClient c, String type) {
    return await(c.next(m -> type.equals(m.getString("type"))));
  }

  static JsonObject next(WsTestClient c, Predicate<JsonObject> match) {
    return await(c.next(match));
  }

  static JsonObject subscribe(WsTestClient c, String deviceId) {
    c.send(new JsonObject().put("type", "subscribe").put("deviceId", deviceId));
    return await(c.next(m -> m.getString("type", "").startsWith("subscribe:")));
  }

  static JsonObject scanStart(WsTestClient c, String deviceId, JsonObject options) {
    JsonObject msg = new JsonObject().put("type", "scan:start").put("deviceId", deviceId);
    if (options != null) {
      msg.put("options", options);
    }
    c.send(msg);
    return await(c.next(m -> "scan:started".equals(m.getString("type"))
        || ("scan:error".equals(m.getString("type")) && m.getString("message") != null)));
  }

  /** A REST answer. */
  record Response(int status, JsonObject body) {
  }

  static Response http(Vertx vertx, int port, HttpMethod method, String uri, String apiKey, String bearer, String body) {
    HttpClient client = vertx.createHttpClient();
    Future<Response> answer = client.request(method, port, "127.0.0.1", uri).compose(req -> {
      if (apiKey != null) {
        req.putHeader("X-API-Key", apiKey);
      }
      if (bearer != null) {
        req.putHeader("Authorization", "Bearer " + bearer);
      }
      if (body != null) {
        req.putHeader("Content-Type", "application/json");
      }
      return (body == null ? req.send() : req.send(Buffer.buffer(body)))
          .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(),
              b.length() == 0 ? new JsonObject() : b.toJsonObject())));
    });
    try {
      return await(answer);
    } finally {
      client.close();
    }
  }

  Response http(HttpMethod method, String uri, String apiKey, String body) {
    return http(vertx, port(), method, uri, apiKey, null, body);
  }
}
