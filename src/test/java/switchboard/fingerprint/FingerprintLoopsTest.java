package switchboard.fingerprint;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import switchboard.auth.TokenMinter;
import switchboard.platform.Platform;
import switchboard.testing.LoopThreads;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.fingerprint.FingerprintFixture.SCAN_KEY;
import static switchboard.fingerprint.FingerprintFixture.next;
import static switchboard.fingerprint.FingerprintFixture.scanStart;
import static switchboard.fingerprint.FingerprintFixture.subscribe;

/**
 * Verifies the Fingerprint front with four instances, one per event loop: a scan's events and the log stream
 * reach admins on every loop, and the finished scan its owner. Which loop serves an admin is read from the
 * thread that checks its token.
 */
@ExtendWith(VertxExtension.class)
class FingerprintLoopsTest {

  private Vertx vertx;
  private final LoopThreads loops = new LoopThreads();
  private TokenMinter minter;
  private FingerprintFixture fp;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    Platform platform = TestPlatform.single(vertx, loops);
    minter = TestPlatform.minter(vertx);
    fp = FingerprintFixture.start(platform, FingerprintFixture.config().put("instances", 4));
  }

  /** Verifies that scan events and log entries reach admins and subscribers on every loop. */
  @Test
  void eventsReachClientsOnEveryLoop() {
    // GIVEN eight admins, served on more than one loop, and a scanning client subscribed to dev-ok
    List<WsTestClient> admins = new ArrayList<>();
    Set<String> servedOn = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      loops.drain();
      admins.add(fp.admin(minter.mint("ops-" + i, List.of("admin"), 60)));
      List<String> threads = loops.drain();
      assertThat(threads).isNotEmpty();
      servedOn.addAll(threads);
    }
    assertThat(servedOn).as("connections spread over the loops").hasSizeGreaterThanOrEqualTo(2);
    WsTestClient scanner = fp.client(SCAN_KEY);
    subscribe(scanner, "dev-ok");

    // WHEN it scans on dev-ok
    JsonObject started = scanStart(scanner, "dev-ok", null);
    assertThat(started.getString("type")).as(started.encode()).isEqualTo("scan:started");

    // THEN its owner gets the finished scan, and every admin, whatever its loop, the log entry and the event
    String scanId = started.getString("scanId");
    assertThat(next(scanner, "scan:complete").getString("scanId")).isEqualTo(scanId);
    for (WsTestClient admin : admins) {
      JsonObject entry = next(admin, m -> "log:entry".equals(m.getString("type"))
          && "Scan ended".equals(m.getString("message")));
      assertThat(entry.getJsonObject("metadata").getString("deviceId")).isEqualTo("dev-ok");
      assertThat(next(admin, "scan:complete").getString("scanId")).isEqualTo(scanId);
    }
  }
}
