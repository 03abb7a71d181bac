package switchboard.fingerprint;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.auth.TokenMinter;
import switchboard.platform.Platform;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.fingerprint.FingerprintFixture.READ_KEY;
import static switchboard.fingerprint.FingerprintFixture.SCAN_KEY;
import static switchboard.fingerprint.FingerprintFixture.next;
import static switchboard.fingerprint.FingerprintFixture.scanStart;
import static switchboard.fingerprint.FingerprintFixture.subscribe;
import static switchboard.testing.Await.await;

/** Verifies the Fingerprint WebSocket API end to end with the simulated readers. */
class FingerprintWebSocketTest {

  private Vertx vertx;
  private Platform platform;
  private TokenMinter minter;
  private FingerprintFixture fp;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
    minter = TestPlatform.minter(vertx);
    fp = FingerprintFixture.start(platform, FingerprintFixture.config());
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private static void assertIsoTimestamp(JsonObject frame) {
    assertThat(Instant.parse(frame.getString("timestamp"))).isNotNull();
    assertThat(frame.getString("timestamp")).endsWith("Z");
  }

  /** Verifies that a valid API key gets auth:success with its permissions, then service:status running. */
  @Test
  void validApiKeyAuthenticates() {
    // GIVEN a connected client
    WsTestClient c = fp.connect();
    // WHEN it authenticates with a key holding both permissions
    c.send(new JsonObject().put("type", "auth").put("apiKey", SCAN_KEY));
    // THEN it gets the contract's auth:success and a running service:status
    JsonObject ok = await(c.next());
    assertThat(ok).isEqualTo(new JsonObject().put("type", "auth:success").put("message", "Authentication successful")
        .put("permissions", new io.vertx.core.json.JsonArray().add("device:read").add("fingerprint:scan")));
    JsonObject status = await(c.next());
    assertThat(status.getString("type")).isEqualTo("service:status");
    assertThat(status.getString("status")).isEqualTo("running");
    assertThat(status.getString("version")).isEqualTo("1.0.0");
    assertThat(status.getLong("uptime")).isNotNegative();
    assertIsoTimestamp(status);
  }

  /** Verifies that unknown, revoked and malformed keys get auth:error 4001 and the socket is closed with 4001. */
  @Test
  void unknownRevokedOrMalformedKeyIsRefusedAndClosed() {
    for (Object key : List.of(FingerprintFixture.UNKNOWN_KEY, FingerprintFixture.REVOKED_KEY, "not-a-key", 12345)) {
      // GIVEN a connected client WHEN it presents a bad key
      WsTestClient c = fp.connect();
      c.send(new JsonObject().put("type", "auth").put("apiKey", key));
      // THEN auth:error with code 4001, then close 4001
      JsonObject err = await(c.next());
      assertThat(err).isEqualTo(new JsonObject().put("type", "auth:error").put("message", "Invalid API key").put("code", 4001));
      assertThat(await(c.closed())).isEqualTo((short) 4001);
    }
  }

  /** Verifies that an admin JWT authenticates with every permission, and that non-admin or expired tokens do not. */
  @Test
  void adminJwtAuthenticatesAndOtherTokensAreRefused() {
    // GIVEN an admin token WHEN a client authenticates with it THEN it holds admin and both permissions
    WsTestClient admin = fp.connect();
    admin.send(new JsonObject().put("type", "auth").put("token", minter.mint("ops", List.of("admin"), 60)));
    JsonObject ok = await(admin.next());
    assertThat(ok.getString("type")).isEqualTo("auth:success");
    assertThat(ok.getJsonArray("permissions").getList()).containsExactly("admin", "device:read", "fingerprint:scan");
    // AND a user token, an expired admin token and a forged one are refused with 4001
    for (String token : List.of(minter.mint("u", List.of("user"), 60), minter.mint("ops", List.of("admin"), -10),
        new TokenMinter(vertx, "another-secret-that-is-long-enough-0123456789").mint("ops", List.of("admin"), 60))) {
      WsTestClient c = fp.connect();
      c.send(new JsonObject().put("type", "auth").put("token", token));
      JsonObject err = await(c.next());
      assertThat(err.getString("type")).isEqualTo("auth:error");
      assertThat(err.getInteger("code")).isEqualTo(4001);
      assertThat(await(c.closed())).isEqualTo((short) 4001);
    }
  }

  /** Verifies that a client that does not authenticate in time is closed with 4001. */
  @Test
  void noAuthInTimeCloses() {
    // GIVEN a 2 s auth window WHEN a client stays silent THEN it is closed with 4001
    WsTestClient c = fp.connect();
    assertThat(await(c.closed())).isEqualTo((short) 4001);
  }

  /** Verifies that any other message before auth is answered with error 4001 and the connection stays usable. */
  @Test
  void messagesBeforeAuthAreRefused() {
    WsTestClient c = fp.connect();
    c.send(new JsonObject().put("type", "subscribe").put("deviceId", "dev-ok"));
    JsonObject err = await(c.next());
    assertThat(err.getString("type")).isEqualTo("error");
    assertThat(err.getInteger("code")).isEqualTo(4001);
    assertIsoTimestamp(err);
    c.send(new JsonObject().put("type", "auth").put("apiKey", SCAN_KEY));
    assertThat(await(c.next()).getString("type")).isEqualTo("auth:success");
  }

  /** Verifies that subscribing to an unknown device is 1001, and that subscribe and unsubscribe succeed on a known one. */
  @Test
  void subscribeUnknownAndKnownDevice() {
    WsTestClient c = fp.client(READ_KEY);
    // WHEN it subscribes to a device nobody has THEN subscribe:error 1001
    assertThat(subscribe(c, "no-such-device")).isEqualTo(new JsonObject().put("type", "subscribe:error")
        .put("deviceId", "no-such-device").put("message", "Device not found").put("code", 1001));
    // WHEN it subscribes to a simulated reader THEN subscribe:success
    assertThat(subscribe(c, "dev-ok")).isEqualTo(new JsonObject().put("type", "subscribe:success")
        .put("deviceId", "dev-ok").put("message", "Subscribed to device events"));
    c.send(new JsonObject().put("type", "unsubscribe").put("deviceId", "dev-ok"));
    assertThat(await(c.next())).isEqualTo(new JsonObject().put("type", "unsubscribe:success")
        .put("deviceId", "dev-ok").put("message", "Unsubscribed from device events"));
  }

  /**
   * Verifies that a full scan runs started, busy, detected, complete, idle, seen by subscribers only, and that
   * the template goes to the scanner alone.
   */
  @Test
  void fullScanEndToEnd() {
    // GIVEN a watcher subscribed to dev-ok and a scanner that is not subscribed
    WsTestClient watcher = fp.client(READ_KEY);
    subscribe(watcher, "dev-ok");
    WsTestClient scanner = fp.client(SCAN_KEY);
    WsTestClient bystander = fp.client(SCAN_KEY);
    // WHEN the scanner starts a scan
    JsonObject started = scanStart(scanner, "dev-ok", new JsonObject().put("timeout", 5000).put("qualityThreshold", 60));
    // THEN scan:started, fingerprint:detected and scan:complete reach the scanner
    assertThat(started.getString("type")).isEqualTo("scan:started");
    assertThat(started.fieldNames()).containsExactlyInAnyOrder("type", "scanId", "deviceId", "timestamp");
    String scanId = started.getString("scanId");
    JsonObject detected = next(scanner, "fingerprint:detected");
    assertThat(detected.getString("scanId")).isEqualTo(scanId);
    assertThat(detected.getInteger("quality")).isBetween(80, 95);
    JsonObject complete = next(scanner, "scan:complete");
    assertThat(complete.fieldNames()).containsExactlyInAnyOrder("type", "scanId", "deviceId", "template", "quality",
        "scanTime", "timestamp");
    assertThat(complete.getString("deviceId")).isEqualTo("dev-ok");
    assertThat(complete.getInteger("quality")).isBetween(80, 95);
    assertThat(complete.getLong("scanTime")).isGreaterThanOrEqualTo(50);
    byte[] template = Base64.getDecoder().decode(complete.getString("template"));
    assertThat(new String(template, 0, 4)).isEqualTo("SIMT");
    assertIsoTimestamp(complete);
    // AND the watcher sees the device go busy, the result, and idle again
    JsonObject busy = next(watcher, "device:status");
    assertThat(busy.getString("status")).isEqualTo("busy");
    assertThat(busy.getString("previousStatus")).isEqualTo("idle");
    JsonObject watched = next(watcher, "scan:complete");
    assertThat(watched.getString("scanId")).isEqualTo(scanId);
    assertThat(watched.fieldNames()).containsExactlyInAnyOrder("type", "scanId", "deviceId", "quality", "scanTime",
        "timestamp");
    JsonObject idle = next(watcher, "device:status");
    assertThat(idle.getString("status")).isEqualTo("idle");
    assertThat(idle.getString("previousStatus")).isEqualTo("busy");
    // AND a client that neither subscribed nor scanned got none of it (its pong comes after every event)
    bystander.send(new JsonObject().put("type", "ping"));
    next(bystander, "pong");
    assertThat(bystander.pending()).isEmpty();
  }

  /** Verifies that an enrollment scan reports progress after each impression but the last, then completes once. */
  @Test
  void enrollmentScanReportsProgress() {
    WsTestClient c = fp.client(SCAN_KEY);
    String scanId = scanStart(c, "dev-enroll", new JsonObject().put("scansRequired", 3)).getString("scanId");
    JsonObject first = next(c, "scan:progress");
    assertThat(first.getMap()).containsEntry("scansCompleted", 1).containsEntry("scansRequired", 3)
        .containsEntry("message", "Place finger again").containsEntry("scanId", scanId).containsEntry("deviceId", "dev-enroll");
    assertThat(next(c, "scan:progress").getInteger("scansCompleted")).isEqualTo(2);
    JsonObject complete = next(c, "scan:complete");
    assertThat(complete.getString("scanId")).isEqualTo(scanId);
    c.send(new JsonObject().put("type", "ping"));
    next(c, "pong");
    assertThat(c.pending()).noneMatch(t -> t.contains("scan:progress"));
    // AND mode "enroll" uses the configured default count
    String second = scanStart(c, "dev-enroll", new JsonObject().put("mode", "enroll")).getString("scanId");
    assertThat(next(c, m -> "scan:progress".equals(m.getString("type")) && second.equals(m.getString("scanId")))
        .getInteger("scansRequired")).isEqualTo(3);
    next(c, m -> "scan:complete".equals(m.getString("type")) && second.equals(m.getString("scanId")));
    // AND a scan:start with only a deviceId uses the device's configured count
    String third = scanStart(c, "dev-enroll", null).getString("scanId");
    assertThat(next(c, m -> "scan:progress".equals(m.getString("type")) && third.equals(m.getString("scanId")))
        .getInteger("scansRequired")).isEqualTo(2);
  }

  /** Verifies that a second scan on a device that is scanning is refused with 1002. */
  @Test
  void busyDeviceIsRefused() {
    WsTestClient a = fp.client(SCAN_KEY);
    WsTestClient b = fp.client(SCAN_KEY);
    assertThat(scanStart(a, "dev-nofinger", new JsonObject().put("timeout", 5000)).getString("type")).isEqualTo("scan:started");
    JsonObject busy = scanStart(b, "dev-nofinger", null);
    assertThat(busy.getString("type")).isEqualTo("scan:error");
    assertThat(busy.getInteger("code")).isEqualTo(1002);
    assertThat(busy.getString("message")).isEqualTo("Device is busy");
    assertThat(busy.fieldNames()).containsExactlyInAnyOrder("type", "message", "code", "timestamp");
    assertIsoTimestamp(busy);
    JsonObject unknown = scanStart(b, "dev-missing", null);
    assertThat(unknown.getMap()).containsEntry("type", "scan:error").containsEntry("code", 1001);
    assertThat(unknown.fieldNames()).containsExactlyInAnyOrder("type", "message", "code", "timestamp");
  }

  /** Verifies that a scan with no finger ends with scan:timeout and frees the device. */
  @Test
  void scanTimesOut() {
    WsTestClient c = fp.client(SCAN_KEY);
    String scanId = scanStart(c, "dev-nofinger", new JsonObject().put("timeout", 200)).getString("scanId");
    JsonObject timeout = next(c, "scan:timeout");
    assertThat(timeout.getMap()).containsEntry("scanId", scanId).containsEntry("deviceId", "dev-nofinger")
        .containsEntry("message", "Scan timeout - no fingerprint detected");
    assertThat(scanStart(c, "dev-nofinger", new JsonObject().put("timeout", 200)).getString("type")).isEqualTo("scan:started");
  }

  /** Verifies that an impression below the threshold ends the scan with scan:error 2001, retryable. */
  @Test
  void lowQualityIsARetryableError() {
    WsTestClient c = fp.client(SCAN_KEY);
    String scanId = scanStart(c, "dev-low", new JsonObject().put("qualityThreshold", 50)).getString("scanId");
    JsonObject err = next(c, "scan:error");
    assertThat(err).isEqualTo(new JsonObject().put("type", "scan:error").put("scanId", scanId).put("deviceId", "dev-low")
        .put("error", "Low quality scan").put("code", 2001).put("retryable", true).put("timestamp", err.getString("timestamp")));
    // AND a reader fault is a 5001 scan:error
    scanStart(c, "dev-error", null);
    assertThat(next(c, "scan:error").getInteger("code")).isEqualTo(5001);
  }

  /** Verifies that scan:stop stops a running scan and answers 1003 for an unknown or finished one. */
  @Test
  void stopScan() {
    WsTestClient c = fp.client(SCAN_KEY);
    String scanId = scanStart(c, "dev-nofinger", new JsonObject().put("timeout", 10_000)).getString("scanId");
    c.send(new JsonObject().put("type", "scan:stop").put("scanId", scanId));
    JsonObject stopped = next(c, "scan:stopped");
    assertThat(stopped.fieldNames()).containsExactlyInAnyOrder("type", "scanId", "timestamp");
    assertThat(stopped.getString("scanId")).isEqualTo(scanId);
    for (String id : List.of(scanId, "scan-unknown")) {
      c.send(new JsonObject().put("type", "scan:stop").put("scanId", id));
      JsonObject err = next(c, "scan:error");
      assertThat(err.getInteger("code")).isEqualTo(1003);
      assertThat(err.getString("scanId")).isEqualTo(id);
    }
    // AND the device is free again
    assertThat(scanStart(c, "dev-nofinger", null).getString("type")).isEqualTo("scan:started");
  }

  /** Verifies that a reader unplugged mid-scan ends the scan with scan:error and reports device:disconnected. */
  @Test
  void unplugMidScanEndsTheScan() {
    WsTestClient watcher = fp.client(READ_KEY);
    subscribe(watcher, "dev-unplug");
    WsTestClient c = fp.client(SCAN_KEY);
    String scanId = scanStart(c, "dev-unplug", null).getString("scanId");
    JsonObject err = next(c, "scan:error");
    assertThat(err.getMap()).containsEntry("scanId", scanId).containsEntry("code", 1001).containsEntry("retryable", false)
        .containsEntry("error", "Device disconnected");
    JsonObject gone = next(watcher, "device:disconnected");
    assertThat(gone.getMap()).containsEntry("deviceId", "dev-unplug").containsEntry("reason", "Device unplugged");
    // AND the simulated reader comes back
    JsonObject back = next(watcher, "device:connected");
    assertThat(back.getJsonObject("device")).isEqualTo(new JsonObject().put("id", "dev-unplug")
        .put("serialNumber", "SN-dev-unplug").put("model", "Test Reader").put("status", "connected")
        .put("firmwareVersion", "2.1.0"));
  }

  /** Verifies that operations without the permission are refused with 4003. */
  @Test
  void permissionDenied() {
    WsTestClient reader = fp.client(READ_KEY);
    JsonObject denied = scanStart(reader, "dev-ok", null);
    assertThat(denied.getString("type")).isEqualTo("scan:error");
    assertThat(denied.getInteger("code")).isEqualTo(4003);
    reader.send(new JsonObject().put("type", "scan:stop").put("scanId", "scan-x"));
    assertThat(next(reader, "scan:error").getInteger("code")).isEqualTo(4003);
    WsTestClient nothing = fp.client(FingerprintFixture.NO_PERMS_KEY);
    JsonObject sub = subscribe(nothing, "dev-ok");
    assertThat(sub.getString("type")).isEqualTo("subscribe:error");
    assertThat(sub.getInteger("code")).isEqualTo(4003);
  }

  /** Verifies that a scan may be stopped by the key that started it or an admin, not by another key. */
  @Test
  void onlyTheStarterOrAnAdminStopsAScan() {
    WsTestClient owner = fp.client(SCAN_KEY);
    String scanId = scanStart(owner, "dev-nofinger", new JsonObject().put("timeout", 10_000)).getString("scanId");
    WsTestClient other = fp.client(FingerprintFixture.OTHER_SCAN_KEY);
    other.send(new JsonObject().put("type", "scan:stop").put("scanId", scanId));
    assertThat(next(other, "scan:error").getInteger("code")).isEqualTo(4003);
    WsTestClient admin = fp.admin(minter.mint("ops", List.of("admin"), 60));
    admin.send(new JsonObject().put("type", "scan:stop").put("scanId", scanId));
    assertThat(next(admin, "scan:stopped").getString("scanId")).isEqualTo(scanId);
    // AND the owner learns that its scan was stopped
    assertThat(next(owner, "scan:stopped").getString("scanId")).isEqualTo(scanId);
  }

  /** Verifies that log:entry frames reach admins only, and carry no API key. */
  @Test
  void logEntriesOnlyToAdmins() {
    WsTestClient admin = fp.admin(minter.mint("ops", List.of("admin"), 60));
    WsTestClient plain = fp.client(SCAN_KEY);
    subscribe(plain, "dev-ok");
    scanStart(plain, "dev-ok", null);
    next(plain, "scan:complete");
    JsonObject entry = next(admin, m -> "log:entry".equals(m.getString("type")) && "Scan ended".equals(m.getString("message")));
    assertThat(entry.getString("level")).isEqualTo("info");
    assertThat(entry.getJsonObject("metadata").getString("deviceId")).isEqualTo("dev-ok");
    // The admin also gets every device's events without subscribing
    assertThat(next(admin, "scan:complete").getString("deviceId")).isEqualTo("dev-ok");
    // The plain client answered a ping after the log entry went out, and got no log entry before it
    plain.send(new JsonObject().put("type", "ping"));
    next(plain, "pong");
    assertThat(plain.pending()).noneMatch(t -> t.contains("log:entry"));
    // AND a failed login is logged without the key
    WsTestClient bad = fp.connect();
    bad.send(new JsonObject().put("type", "auth").put("apiKey", FingerprintFixture.UNKNOWN_KEY));
    JsonObject failed = next(admin, m -> "Authentication failed".equals(m.getString("message")));
    assertThat(failed.encode()).doesNotContain(FingerprintFixture.UNKNOWN_KEY).doesNotContain("ak_");
  }

  /** Verifies that ping is answered with a timestamped pong. */
  @Test
  void pingPong() {
    WsTestClient c = fp.client(READ_KEY);
    c.send(new JsonObject().put("type", "ping"));
    JsonObject pong = await(c.next());
    assertThat(pong.fieldNames()).containsExactlyInAnyOrder("type", "timestamp");
    assertIsoTimestamp(pong);
  }

  /** Verifies that a client which disconnects mid-scan does not leave the reader busy. */
  @Test
  void disconnectStopsTheClientsScans() {
    WsTestClient watcher = fp.client(READ_KEY);
    subscribe(watcher, "dev-nofinger");
    WsTestClient c = fp.client(SCAN_KEY);
    String scanId = scanStart(c, "dev-nofinger", new JsonObject().put("timeout", 60_000)).getString("scanId");
    next(watcher, m -> "busy".equals(m.getString("status")));
    await(c.close());
    assertThat(next(watcher, "scan:stopped").getString("scanId")).isEqualTo(scanId);
    assertThat(next(watcher, "device:status").getString("status")).isEqualTo("idle");
  }

  /** Verifies that bad input gets clear errors, never a crash, and other sessions carry on. */
  @Test
  void badInputIsAnsweredAndOthersCarryOn() {
    WsTestClient other = fp.client(SCAN_KEY);
    WsTestClient c = fp.client(SCAN_KEY);
    // broken JSON, a JSON array, a missing type, a wrong type, an unknown type
    for (String text : List.of("{\"type\":", "[1,2]", "{}", "{\"type\":42}", "{\"type\":\"launch\"}")) {
      c.send(text);
      JsonObject err = await(c.next());
      assertThat(err.getString("type")).isEqualTo("error");
      assertThat(err.getInteger("code")).isEqualTo(4000);
      assertIsoTimestamp(err);
    }
    // wrong field types
    c.send(new JsonObject().put("type", "subscribe").put("deviceId", 7));
    assertThat(await(c.next()).getInteger("code")).isEqualTo(4000);
    c.send(new JsonObject().put("type", "scan:start").put("deviceId", "x".repeat(500)));
    assertThat(await(c.next()).getInteger("code")).isEqualTo(4000);
    for (JsonObject options : List.of(new JsonObject().put("timeout", "soon"), new JsonObject().put("timeout", -1),
        new JsonObject().put("qualityThreshold", 101), new JsonObject().put("scansRequired", 1000),
        new JsonObject().put("mode", "guess"), new JsonObject().put("timeout", 1.5))) {
      JsonObject err = scanStart(c, "dev-ok", options);
      assertThat(err.getString("type")).isEqualTo("scan:error");
      assertThat(err.getInteger("code")).isEqualTo(4000);
    }
    c.send(new JsonObject().put("type", "scan:start").put("deviceId", "dev-ok").put("options", "fast"));
    assertThat(next(c, "scan:error").getInteger("code")).isEqualTo(4000);
    // a second auth
    c.send(new JsonObject().put("type", "auth").put("apiKey", SCAN_KEY));
    assertThat(next(c, "error").getString("error")).isEqualTo("Already authenticated");
    // a huge frame closes with 1009, a binary one with 1003
    c.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(20_000) + "\"}");
    assertThat(await(c.closed())).isEqualTo((short) 1009);
    WsTestClient binary = fp.client(SCAN_KEY);
    binary.sendBinary(Buffer.buffer(new byte[] {1, 2, 3}));
    assertThat(await(binary.closed())).isEqualTo((short) 1003);
    // THEN the other session still scans
    assertThat(scanStart(other, "dev-ok", null).getString("type")).isEqualTo("scan:started");
    assertThat(next(other, "scan:complete").getString("deviceId")).isEqualTo("dev-ok");
  }

  /** Verifies that a flood is rate limited with error 4029 and the client closed if it keeps on. */
  @Test
  void floodIsLimited() {
    WsTestClient c = fp.client(SCAN_KEY);
    for (int i = 0; i < 200; i++) {
      c.send(new JsonObject().put("type", "ping"));
    }
    assertThat(next(c, m -> "error".equals(m.getString("type"))).getInteger("code")).isEqualTo(4029);
    assertThat(await(c.closed())).isEqualTo((short) 1008);
  }
}
