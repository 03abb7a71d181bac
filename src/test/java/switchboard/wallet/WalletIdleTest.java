package switchboard.wallet;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/** Verifies the gateway's keep-alive: WebSocket pings on an interval, silent connections closed. */
@ExtendWith(VertxExtension.class)
class WalletIdleTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  private int deploy(JsonObject ws) {
    return WalletFixture.deploy(TestPlatform.single(vertx), WalletFixture.config(dataDir, json -> json.put("ws", ws)));
  }

  /** Verifies that the server pings, and a client that answers (pongs count as activity) outlives the idle timeout. */
  @Test
  void pingsKeepAnsweringClientsAlive(VertxTestContext ctx) {
    // GIVEN pings every 100 ms and a 400 ms idle timeout (no auth window, to isolate keep-alive)
    int port = deploy(new JsonObject().put("pingIntervalMs", 100).put("idleTimeoutMs", 400).put("authTimeoutMs", 0));
    // WHEN the client says nothing but answers the pings for longer than the idle timeout (8 × 100 ms)
    // THEN it keeps receiving pings and is still open at each
    Checkpoint pings = ctx.laxCheckpoint(8);
    vertx.createWebSocketClient()
        .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
        .onComplete(ctx.succeeding(socket -> socket.frameHandler(f -> {
          if (f.type() == WebSocketFrameType.PING) {
            ctx.verify(() -> assertThat(socket.isClosed()).isFalse());
            pings.flag();
          }
        })));
  }

  /** Verifies that without pings a silent connection is closed for idleness (4000). */
  @Test
  void silentConnectionIsClosed() {
    int port = deploy(new JsonObject().put("pingIntervalMs", 0).put("idleTimeoutMs", 300).put("authTimeoutMs", 0));
    WsTestClient client = WalletFixture.connect(vertx, port);
    assertThat(await(client.closed())).isEqualTo((short) 4000);
  }
}
