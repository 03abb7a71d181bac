package switchboard.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import switchboard.config.ConfigException;
import switchboard.config.DevSecrets;
import switchboard.testing.TestCluster;
import switchboard.testing.TestNode;
import switchboard.testing.TestPlatform;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static switchboard.testing.Await.await;

/** Verifies the launcher: configuration checks, start-up on defaults, /health and /metrics, clustering. */
class SwitchboardNodeTest {

  private final List<SwitchboardNode> nodes = new ArrayList<>();
  private final Vertx client = Vertx.vertx();

  @AfterEach
  void tearDown() {
    nodes.forEach(n -> await(n.close(), 60));
    await(client.close());
  }

  static JsonObject ephemeral(JsonObject overrides) {
    return TestNode.ephemeral(overrides);
  }

  private SwitchboardNode start(JsonObject json) {
    SwitchboardNode node = await(SwitchboardNode.start(json, false), 60);
    nodes.add(node);
    return node;
  }

  private JsonObject get(int port, String path) {
    return await(WebClient.create(client).get(port, "127.0.0.1", path).send()).bodyAsJsonObject();
  }

  @Test
  void startsOnDefaultsAndAnswersHealthAndMetrics() {
    // GIVEN a node with every service on defaults except ports
    SwitchboardNode node = start(ephemeral(new JsonObject()));

    // THEN /health reports the node, a cluster of one and every enabled service
    JsonObject health = get(node.managementPort(), "/health");
    assertThat(health.getString("status")).isEqualTo("ok");
    assertThat(health.getJsonArray("members").getList()).containsExactly(node.platform().nodeId());
    assertThat(health.getJsonObject("services").fieldNames()).containsExactlyInAnyOrderElementsOf(node.services().keySet());
    for (var service : node.services().values()) {
      assertThat(get(service.port(), "/health").getString("status")).as(service.name()).isEqualTo("ok");
    }

    // AND /metrics is Prometheus text with Vert.x and JVM metrics
    String metrics = await(WebClient.create(client).get(node.managementPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    assertThat(metrics).contains("# TYPE").contains("jvm_memory_used_bytes");
  }

  @Test
  void badValueStopsStartUpNamingTheKey() {
    JsonObject json = ephemeral(new JsonObject().put("management", new JsonObject().put("port", "ninety")));
    assertThatThrownBy(() -> SwitchboardNode.start(json, false))
        .isInstanceOf(ConfigException.class).hasMessage("config management.port: must be an integer");
    JsonObject outOfRange = ephemeral(new JsonObject().put("management", new JsonObject().put("port", 70000)));
    assertThatThrownBy(() -> SwitchboardNode.start(outOfRange, false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("management.port").hasMessageContaining("65535");
  }

  @Test
  void prodProfileNeedsAJwtKeyAndDevUsesTheInstallationsGeneratedSecret() {
    JsonObject prod = ephemeral(new JsonObject().put("profile", "prod").put("jwt", new JsonObject()));
    assertThatThrownBy(() -> SwitchboardNode.start(prod, false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jwt.hs256Secret").hasMessageContaining("no verification key");
    Path secrets = Path.of(TestNode.tempDir("run"), "dev-secrets.json");
    SwitchboardNode dev = start(ephemeral(new JsonObject().put("jwt", new JsonObject())
        .put("devSecretsFile", secrets.toString())));
    assertThat(dev.config().jwt().devSecret()).isTrue();
    assertThat(dev.config().jwt().hs256Secret()).isEqualTo(DevSecrets.load(secrets).orElseThrow().jwtSecret());
    assertThat(dev.config().devSecretsInUse()).contains("jwt.hs256Secret");
  }

  @Test
  void environmentOverridesPortsSecretsAndSwitches() {
    JsonObject json = EnvOverrides.apply(new JsonObject(), Map.of(
        "SWITCHBOARD_SIGNAL_PORT", "4500",
        "SWITCHBOARD_WALLET_ENABLED", "false",
        "SWITCHBOARD_JWT_SECRET", "s3cret",
        "APP_ENV_WEBSOCKET_ECDH_INFO", "info-v2",
        "SWITCHBOARD_TURN_SECRET", "turn",
        "SWITCHBOARD_PORT_OFFSET", "10"));
    assertThat(json.getJsonObject("signal").getInteger("port")).isEqualTo(4500);
    assertThat(json.getJsonObject("signal").getString("ecdhInfo")).isEqualTo("info-v2");
    assertThat(json.getJsonObject("wallet").getBoolean("enabled")).isFalse();
    assertThat(json.getJsonObject("jwt").getString("hs256Secret")).isEqualTo("s3cret");
    assertThat(json.getJsonObject("securecall").getJsonObject("turn").getJsonArray("secrets").getList()).containsExactly("turn");
    JsonObject shifted = EnvOverrides.applyPortOffset(json, ServiceCatalog.DEFAULT_PORTS);
    assertThat(shifted.getJsonObject("signal").getInteger("port")).isEqualTo(4510);
    assertThat(shifted.getJsonObject("management").getInteger("port")).isEqualTo(9110);
    assertThatThrownBy(() -> EnvOverrides.apply(new JsonObject(), Map.of("SWITCHBOARD_SIGNAL_PORT", "x")))
        .hasMessage("config SWITCHBOARD_SIGNAL_PORT: must be an integer (was \"x\")");
  }

  @Test
  void commandLineReportsABadConfigFileInOneLineAndExitsWith2() throws Exception {
    Path conf = Files.createTempFile("switchboard", ".json");
    Files.writeString(conf, "{\"management\":{\"port\":-1}}");
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    int exit;
    try {
      exit = new picocli.CommandLine(new Main()).execute("--conf", conf.toString());
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString().trim()).isEqualTo("switchboard: config management.port: must be between 0 and 65535 (was -1)");
  }

  @Test
  void twoClusteredNodesSeeEachOtherInHealth() {
    // GIVEN two nodes that join through the project's hazelcast.xml on loopback
    List<Integer> ports = TestCluster.freePorts(2);
    String name = "test-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      nodes.add(await(SwitchboardNode.startClustered(ephemeral(new JsonObject()),
          TestCluster.hazelcastConfig(name, ports, i)), 90));
    }
    // THEN each node's /health lists both members
    for (SwitchboardNode node : nodes) {
      JsonObject health = get(node.managementPort(), "/health");
      assertThat(health.getBoolean("clustered")).isTrue();
      assertThat(health.getJsonArray("members").getList())
          .containsExactlyInAnyOrder(nodes.get(0).platform().nodeId(), nodes.get(1).platform().nodeId());
    }
  }
}
