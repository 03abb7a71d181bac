package switchboard.fingerprint;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.app.ServiceCatalog;
import switchboard.config.ConfigReader;
import switchboard.platform.Profile;
import switchboard.platform.RunningService;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.fingerprint.FingerprintFixture.next;
import static switchboard.fingerprint.FingerprintFixture.scanStart;
import static switchboard.testing.Await.await;

/** Verifies the service as the launcher deploys it: through its definition, registered in the catalog. */
class FingerprintDefinitionTest {

  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  /** Verifies that the catalog holds the definition and that it deploys both verticles and answers on / and /ws. */
  @Test
  void deploysThroughTheDefinition() {
    assertThat(ServiceCatalog.all()).anyMatch(d -> d.name().equals("fingerprint"));
    FingerprintDefinition definition = new FingerprintDefinition();
    FingerprintConfig config = definition.parse(new ConfigReader(FingerprintFixture.config()), Profile.DEV);
    RunningService running = await(definition.deploy(TestPlatform.single(vertx), config));
    assertThat(running.name()).isEqualTo("fingerprint");
    assertThat(running.port()).isPositive();
    assertThat(running.urls()).containsExactly("ws://127.0.0.1:" + running.port() + "/",
        "ws://127.0.0.1:" + running.port() + "/ws", "http://127.0.0.1:" + running.port() + "/api");
    for (String path : new String[] {"/", "/ws"}) {
      WsTestClient c = await(WsTestClient.connect(vertx, running.port(), path));
      c.send(new JsonObject().put("type", "auth").put("apiKey", FingerprintFixture.SCAN_KEY));
      next(c, "auth:success");
      assertThat(scanStart(c, "dev-ok", null).getString("type")).isEqualTo("scan:started");
      next(c, "scan:complete");
    }
  }
}
