package switchboard.wallet;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/** Verifies the gateway's keep-alive: WebSocket pings on an interval, silent connections closed. */
class WalletIdleTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private int deploy(JsonObject ws) {
    return WalletFixture.deploy(TestPlatform.single(vertx), WalletFixture.config(dataDir, json -> json.put("ws", ws)));
  }

  /** Verifies that the server pings, and a client that answers (pongs count as activity) outlives the idle timeout. */
  @Test
  void pingsKeepAnsweringClientsAlive() {
    // GIVEN pings every 100 ms and a 400 ms idle timeout (no auth window, to isolate keep-alive)
    int port = deploy(new JsonObject().put("pingIntervalMs", 100).put("idleTimeoutMs", 400).put("authTimeoutMs", 0));
    var client = vertx.createWebSocketClient();
    var socket = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")));
    Promise<Integer> pings = Promise.promise();
    int[] count = {0};
    socket.frameHandler(f -> {
      if (f.type() == WebSocketFrameType.PING && ++count[0] == 8) {
        pings.tryComplete(count[0]);
      }
    });
    // WHEN the client says nothing but answers the pings for longer than the idle timeout (8 × 100 ms)
    // THEN it keeps receiving pings and is still open
    assertThat(await(pings.future())).isEqualTo(8);
    assertThat(socket.isClosed()).isFalse();
  }

  /** Verifies that without pings a silent connection is closed for idleness (4000). */
  @Test
  void silentConnectionIsClosed() {
    int port = deploy(new JsonObject().put("pingIntervalMs", 0).put("idleTimeoutMs", 300).put("authTimeoutMs", 0));
    WsTestClient client = WalletFixture.connect(vertx, port);
    assertThat(await(client.closed())).isEqualTo((short) 4000);
  }
}
