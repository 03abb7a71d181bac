package switchboard.fingerprint;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.fingerprint.FingerprintFixture.next;
import static switchboard.testing.Await.await;

/** Verifies the contract's heartbeat: server JSON pings, and a close when the client stays silent too long. */
class FingerprintHeartbeatTest {

  private Vertx vertx;
  private FingerprintFixture fp;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    // Pings every 100 ms, closed after 500 ms without a pong (or any other message).
    JsonObject config = FingerprintFixture.config().put("heartbeatIntervalMs", 100)
        .put("ws", new JsonObject().put("authTimeoutMs", 2000).put("idleTimeoutMs", 500));
    fp = FingerprintFixture.start(TestPlatform.single(vertx), config);
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  /** Verifies that the server pings with a timestamp and closes a client that never answers with 4000. */
  @Test
  void silentClientIsClosed() {
    // GIVEN an authenticated client that never answers
    WsTestClient c = fp.client(FingerprintFixture.READ_KEY);
    // THEN it receives {type:"ping", timestamp}
    JsonObject ping = next(c, "ping");
    assertThat(ping.fieldNames()).containsExactlyInAnyOrder("type", "timestamp");
    assertThat(Instant.parse(ping.getString("timestamp"))).isNotNull();
    // AND it is closed once the heartbeat window passes
    assertThat(await(c.closed())).isEqualTo((short) 4000);
  }

  /** Verifies that a client answering every ping with a pong outlives the heartbeat window many times. */
  @Test
  void answeringClientStaysOpen() {
    WsTestClient c = fp.client(FingerprintFixture.READ_KEY);
    long start = System.nanoTime();
    int pings = 0;
    // WHEN it answers pings for three times the window
    while (System.nanoTime() - start < 1_500_000_000L) {
      next(c, "ping");
      c.send(new JsonObject().put("type", "pong").put("timestamp", Instant.now().toString()));
      pings++;
    }
    // THEN it is still served
    assertThat(pings).isGreaterThan(5);
    c.send(new JsonObject().put("type", "ping"));
    assertThat(next(c, "pong").getString("type")).isEqualTo("pong");
    assertThat(c.closed().isComplete()).isFalse();
  }
}
