package switchboard.fingerprint;

import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import switchboard.testing.TestCluster;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.fingerprint.FingerprintFixture.SCAN_KEY;
import static switchboard.fingerprint.FingerprintFixture.next;
import static switchboard.fingerprint.FingerprintFixture.scanStart;
import static switchboard.fingerprint.FingerprintFixture.subscribe;
import static switchboard.testing.Await.await;

/** Verifies the service across a real two-node Hazelcast cluster: readers on A, clients on B. */
class FingerprintClusterTest {

  /** Verifies that a client on node B subscribes to, scans and stops scans on readers attached to node A. */
  @Test
  void clientOnBScansReaderOnA() {
    try (TestCluster cluster = TestCluster.start(2)) {
      // GIVEN node A with the simulated readers and node B with no hardware verticle at all
      FingerprintFixture.start(cluster.platform(0), FingerprintFixture.config());
      FingerprintFixture b = FingerprintFixture.start(cluster.platform(1),
          FingerprintFixture.config().put("hardware", new JsonObject().put("enabled", false)));
      WsTestClient admin = b.admin(TestPlatform.minter(cluster.vertx(1)).mint("ops", List.of("admin"), 60));
      WsTestClient client = b.client(SCAN_KEY);
      // WHEN the client on B subscribes and scans a reader on A
      assertThat(subscribe(client, "dev-ok").getString("type")).isEqualTo("subscribe:success");
      JsonObject started = scanStart(client, "dev-ok", new JsonObject().put("qualityThreshold", 60));
      // THEN the scan runs on A and every event reaches B
      assertThat(started.getString("type")).isEqualTo("scan:started");
      String scanId = started.getString("scanId");
      assertThat(next(client, "device:status").getString("status")).isEqualTo("busy");
      assertThat(next(client, "fingerprint:detected").getString("scanId")).isEqualTo(scanId);
      JsonObject complete = next(client, "scan:complete");
      assertThat(complete.getString("scanId")).isEqualTo(scanId);
      assertThat(complete.getString("template")).isNotBlank();
      // AND the admin on B saw the result without the template, which went only to the scanner's node
      JsonObject seenByAdmin = next(admin, m -> "scan:complete".equals(m.getString("type")));
      assertThat(seenByAdmin.getString("scanId")).isEqualTo(scanId);
      assertThat(seenByAdmin.containsKey("template")).isFalse();
      // AND an admin on B sees A's log stream
      JsonObject log = next(admin, m -> "log:entry".equals(m.getString("type")) && "Scan ended".equals(m.getString("message")));
      assertThat(log.getJsonObject("metadata").getString("node")).isEqualTo(cluster.platform(0).nodeId());
      // AND a scan started on B is stopped from B, and busy devices are refused across nodes
      String running = scanStart(client, "dev-nofinger", new JsonObject().put("timeout", 10_000)).getString("scanId");
      assertThat(scanStart(b.client(SCAN_KEY), "dev-nofinger", null).getInteger("code")).isEqualTo(1002);
      client.send(new JsonObject().put("type", "scan:stop").put("scanId", running));
      assertThat(next(client, "scan:stopped").getString("scanId")).isEqualTo(running);
      // AND REST on B lists A's devices and reads A's scans
      FingerprintFixture.Response devices = b.http(HttpMethod.GET, "/api/devices", SCAN_KEY, null);
      assertThat(devices.body().getInteger("count")).isEqualTo(6);
      assertThat(b.http(HttpMethod.GET, "/api/scans/" + scanId, SCAN_KEY, null).body().getString("status"))
          .isEqualTo("complete");
      // WHEN node A leaves THEN its readers are gone for B
      cluster.stop(0);
      JsonObject answer = null;
      for (int i = 0; i < 100; i++) {
        answer = subscribe(client, "dev-ok");
        if ("subscribe:error".equals(answer.getString("type"))) {
          break;
        }
        Promise<Void> tick = Promise.promise();
        cluster.vertx(1).setTimer(100, id -> tick.complete());
        await(tick.future());
      }
      assertThat(answer.getInteger("code")).isEqualTo(1001);
    }
  }
}
