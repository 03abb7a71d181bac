package switchboard.fingerprint;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.fingerprint.FingerprintFixture.next;
import static switchboard.testing.Await.await;

/** Verifies the contract's heartbeat: server JSON pings, and a close when the client stays silent too long. */
@ExtendWith(VertxExtension.class)
class FingerprintHeartbeatTest {

  /** Pings the client answers: 15 × 100 ms is three times the heartbeat window. */
  private static final int ANSWERED_PINGS = 15;

  private FingerprintFixture fp;

  @BeforeEach
  void setUp(Vertx vertx) {
    // Pings every 100 ms, closed after 500 ms without a pong (or any other message).
    JsonObject config = FingerprintFixture.config().put("heartbeatIntervalMs", 100)
        .put("ws", new JsonObject().put("authTimeoutMs", 2000).put("idleTimeoutMs", 500));
    fp = FingerprintFixture.start(TestPlatform.single(vertx), config);
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
  void answeringClientStaysOpen(VertxTestContext ctx) {
    WsTestClient c = fp.client(FingerprintFixture.READ_KEY);
    Checkpoint answered = ctx.checkpoint(ANSWERED_PINGS);
    Checkpoint stillServed = ctx.checkpoint();
    // WHEN it answers pings for three times the window
    answer(ctx, c, ANSWERED_PINGS, answered, stillServed);
  }

  private void answer(VertxTestContext ctx, WsTestClient c, int left, Checkpoint answered, Checkpoint stillServed) {
    c.next(m -> "ping".equals(m.getString("type"))).onComplete(ctx.succeeding(ping -> {
      c.send(new JsonObject().put("type", "pong").put("timestamp", Instant.now().toString()));
      answered.flag();
      if (left > 1) {
        answer(ctx, c, left - 1, answered, stillServed);
        return;
      }
      // THEN it is still served
      c.send(new JsonObject().put("type", "ping"));
      c.next(m -> "pong".equals(m.getString("type"))).onComplete(ctx.succeeding(pong -> {
        ctx.verify(() -> assertThat(c.closed().isComplete()).isFalse());
        stillServed.flag();
      }));
    }));
  }
}
