package switchboard.fingerprint;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.auth.TokenMinter;
import switchboard.testing.TestPlatform;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.fingerprint.FingerprintFixture.READ_KEY;
import static switchboard.fingerprint.FingerprintFixture.SCAN_KEY;
import static switchboard.testing.Await.await;

/** Verifies the REST mirror of the WebSocket operations, with the same codes. */
class FingerprintRestTest {

  private Vertx vertx;
  private TokenMinter minter;
  private FingerprintFixture fp;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    minter = TestPlatform.minter(vertx);
    fp = FingerprintFixture.start(TestPlatform.single(vertx), FingerprintFixture.config());
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private static void assertError(FingerprintFixture.Response r, int status, int code) {
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.body().getInteger("code")).isEqualTo(code);
    assertThat(r.body().getString("error")).isNotBlank();
    assertThat(r.body().getString("timestamp")).endsWith("Z");
  }

  /** Polls a REST read until it matches (the scan runs on its own clock). */
  private FingerprintFixture.Response eventually(Supplier<FingerprintFixture.Response> read,
                                                 Predicate<FingerprintFixture.Response> done) {
    for (int i = 0; i < 100; i++) {
      FingerprintFixture.Response r = read.get();
      if (done.test(r)) {
        return r;
      }
      Promise<Void> tick = Promise.promise();
      vertx.setTimer(50, id -> tick.complete());
      await(tick.future());
    }
    throw new AssertionError("condition not met in time");
  }

  /** Verifies that /api/health needs no key and that other requests without a valid key get 401 / 4001. */
  @Test
  void healthIsOpenAndEverythingElseNeedsAKey() {
    FingerprintFixture.Response health = fp.http(HttpMethod.GET, "/api/health", null, null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().getString("status")).isEqualTo("ok");
    assertThat(health.body().getString("version")).isEqualTo("1.0.0");
    assertError(fp.http(HttpMethod.GET, "/api/devices", null, null), 401, 4001);
    assertError(fp.http(HttpMethod.GET, "/api/devices", FingerprintFixture.UNKNOWN_KEY, null), 401, 4001);
    assertError(fp.http(HttpMethod.GET, "/api/devices", FingerprintFixture.REVOKED_KEY, null), 401, 4001);
    assertThat(fp.http(HttpMethod.GET, "/health", null, null).body().getString("status")).isEqualTo("ok");
  }

  /** Verifies that GET /api/devices and /api/devices/{id} answer, with 1001 for an unknown id and 4003 without device:read. */
  @Test
  void devices() {
    FingerprintFixture.Response list = fp.http(HttpMethod.GET, "/api/devices", READ_KEY, null);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body().getJsonArray("devices").stream().map(d -> ((JsonObject) d).getString("id")).toList())
        .containsExactly("dev-enroll", "dev-error", "dev-low", "dev-nofinger", "dev-ok", "dev-unplug");
    FingerprintFixture.Response one = fp.http(HttpMethod.GET, "/api/devices/dev-ok", READ_KEY, null);
    assertThat(one.body()).isEqualTo(new JsonObject().put("id", "dev-ok").put("serialNumber", "SN-dev-ok")
        .put("model", "Test Reader").put("status", "idle").put("firmwareVersion", "2.1.0"));
    assertError(fp.http(HttpMethod.GET, "/api/devices/nope", READ_KEY, null), 404, 1001);
    assertError(fp.http(HttpMethod.GET, "/api/devices", FingerprintFixture.NO_PERMS_KEY, null), 403, 4003);
  }

  /** Verifies that POST, GET and DELETE of scans work and fail with the WebSocket codes (1001-1003, 4000, 4003). */
  @Test
  void scans() {
    // WHEN a scan is started THEN 201 with its id, and it completes with a template
    FingerprintFixture.Response started = fp.http(HttpMethod.POST, "/api/scans", SCAN_KEY,
        new JsonObject().put("deviceId", "dev-ok").put("options", new JsonObject().put("qualityThreshold", 60)).encode());
    assertThat(started.status()).isEqualTo(201);
    assertThat(started.body().getString("status")).isEqualTo("scanning");
    String scanId = started.body().getString("scanId");
    FingerprintFixture.Response done = eventually(() -> fp.http(HttpMethod.GET, "/api/scans/" + scanId, SCAN_KEY, null),
        r -> "complete".equals(r.body().getString("status")));
    assertThat(done.body().getString("template")).isNotBlank();
    assertThat(done.body().getInteger("quality")).isBetween(80, 95);
    // AND a busy device is 409 1002, a stop is 200, a second stop 404 1003
    String running = fp.http(HttpMethod.POST, "/api/scans", SCAN_KEY,
        new JsonObject().put("deviceId", "dev-nofinger").encode()).body().getString("scanId");
    assertError(fp.http(HttpMethod.POST, "/api/scans", SCAN_KEY,
        new JsonObject().put("deviceId", "dev-nofinger").encode()), 409, 1002);
    FingerprintFixture.Response stopped = fp.http(HttpMethod.DELETE, "/api/scans/" + running, SCAN_KEY, null);
    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.body().getString("status")).isEqualTo("stopped");
    assertError(fp.http(HttpMethod.DELETE, "/api/scans/" + running, SCAN_KEY, null), 404, 1003);
    assertThat(fp.http(HttpMethod.GET, "/api/scans/" + running, SCAN_KEY, null).body().getString("status")).isEqualTo("stopped");
    // AND unknown ids, missing permissions, other keys' scans and bad bodies get their codes
    assertError(fp.http(HttpMethod.GET, "/api/scans/scan-nope", SCAN_KEY, null), 404, 1003);
    assertError(fp.http(HttpMethod.POST, "/api/scans", SCAN_KEY, new JsonObject().put("deviceId", "nope").encode()), 404, 1001);
    assertError(fp.http(HttpMethod.POST, "/api/scans", READ_KEY, new JsonObject().put("deviceId", "dev-ok").encode()), 403, 4003);
    assertError(fp.http(HttpMethod.GET, "/api/scans/" + scanId, FingerprintFixture.OTHER_SCAN_KEY, null), 403, 4003);
    for (String body : List.of("{broken", "[]", "{}", "{\"deviceId\":5}", "{\"deviceId\":\"dev-ok\",\"options\":{\"timeout\":\"x\"}}")) {
      assertError(fp.http(HttpMethod.POST, "/api/scans", SCAN_KEY, body), 400, 4000);
    }
  }

  /** Verifies that an admin JWT works as a Bearer token and sees other keys' scans; a user JWT does not. */
  @Test
  void adminBearerToken() {
    String scanId = fp.http(HttpMethod.POST, "/api/scans", SCAN_KEY,
        new JsonObject().put("deviceId", "dev-nofinger").encode()).body().getString("scanId");
    String admin = minter.mint("ops", List.of("admin"), 60);
    FingerprintFixture.Response read = FingerprintFixture.http(vertx, fp.port(), HttpMethod.GET, "/api/scans/" + scanId,
        null, admin, null);
    assertThat(read.body().getString("status")).isEqualTo("scanning");
    assertThat(FingerprintFixture.http(vertx, fp.port(), HttpMethod.DELETE, "/api/scans/" + scanId, null, admin, null)
        .status()).isEqualTo(200);
    assertError(FingerprintFixture.http(vertx, fp.port(), HttpMethod.GET, "/api/devices", null,
        minter.mint("u", List.of("user"), 60), null), 403, 4003);
    assertError(FingerprintFixture.http(vertx, fp.port(), HttpMethod.GET, "/api/devices", null,
        minter.mint("ops", List.of("admin"), -5), null), 401, 4001);
  }
}
