package switchboard.securecall;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.app.AppConfig;
import switchboard.app.ServiceCatalog;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.config.DevSecrets;
import switchboard.platform.Profile;
import switchboard.platform.RunningService;
import switchboard.platform.ServiceDefinition;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static switchboard.securecall.SecureCallFixture.expect;
import static switchboard.securecall.SecureCallFixture.frame;
import static switchboard.testing.Await.await;

/** Verifies how the launcher sees SecureCall: catalog entry, default config, prod profile, deployment. */
class SecureCallDefinitionTest {

  /** Just this service, so other services' dev secrets never decide these tests. */
  private static final List<ServiceDefinition<?>> ONLY_SECURECALL = List.of(new SecureCallDefinition());

  @TempDir
  Path dataDir;

  /** conf/default.json with this test's own dev secrets file, so no test writes run/ in the working tree. */
  private JsonObject root(String profile, JsonObject securecall) throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/default.json")));
    json.put("profile", profile).put("devSecretsFile", dataDir.resolve("dev-secrets.json").toString()).put("jwt", new JsonObject().put("hs256Secret", TestPlatform.JWT_SECRET));
    json.getJsonObject("securecall").mergeIn(securecall, true);
    return json;
  }

  /** Verifies that the launcher's catalog lists SecureCall. */
  @Test
  void catalogListsSecureCall() {
    assertThat(ServiceCatalog.all()).anyMatch(d -> d instanceof SecureCallDefinition);
  }

  /** Verifies that conf/default.json's section reads with the contract's defaults in the dev profile. */
  @Test
  void defaultConfigurationReads() throws Exception {
    AppConfig config = AppConfig.read(root("dev", new JsonObject()), ONLY_SECURECALL);
    SecureCallConfig securecall = (SecureCallConfig) config.services().get("securecall");
    assertThat(securecall.enabled()).isTrue();
    assertThat(securecall.http().port()).isEqualTo(8090);
    assertThat(securecall.ws().oversizeCloseAfter()).isEqualTo(2);
    assertThat(config.devSecretsInUse()).containsExactly("securecall.turn.secrets");
  }

  /**
   * Verifies that --profile prod refuses to start without a configured TURN secret (it never falls back to a
   * dev secret) and accepts an otherwise complete prod configuration with one, in token mode.
   */
  @Test
  void prodProfileRefusesTheDevTurnSecret() throws Exception {
    JsonObject prodReady = new JsonObject().put("behindTlsProxy", true)
        .put("allowedOrigins", new JsonArray().add("*"));
    JsonObject withoutSecret = prodRoot(prodReady.copy());
    assertThatThrownBy(() -> AppConfig.read(withoutSecret, ONLY_SECURECALL))
        .isInstanceOf(ConfigException.class).hasMessageContaining("securecall.turn.secrets")
        .hasMessageContaining("--profile prod");
    JsonObject withSecret = prodRoot(prodReady.copy()
        .put("turn", new JsonObject().put("secrets", new JsonArray().add("real"))));
    AppConfig config = AppConfig.read(withSecret, ONLY_SECURECALL);
    assertThat(config.devSecretsInUse()).isEmpty();
    assertThat(((SecureCallConfig) config.services().get("securecall")).requireToken()).isTrue();
  }

  private JsonObject prodRoot(JsonObject securecall) throws Exception {
    JsonObject json = root("prod", securecall);
    json.getJsonObject("jwt").put("issuer", "https://id.example").put("audience", "switchboard");
    return json;
  }

  /** Verifies that the definition deploys a working service and reports its endpoints. */
  @Test
  void definitionDeploysAndReportsEndpoints() {
    Vertx vertx = Vertx.vertx();
    try {
      SecureCallDefinition definition = new SecureCallDefinition();
      DevSecrets installation = DevSecrets.loadOrCreate(dataDir.resolve("dev-secrets.json"));
      SecureCallConfig config = definition.parse(new ConfigReader(new JsonObject().put("host", "127.0.0.1")
          .put("port", 0).put("dataDir", dataDir.toString())), Profile.DEV, () -> installation);
      RunningService running = await(definition.deploy(TestPlatform.single(vertx), config));
      assertThat(running.name()).isEqualTo("securecall");
      assertThat(running.urls()).containsExactly("ws://127.0.0.1:" + running.port() + "/signal",
          "http://127.0.0.1:" + running.port() + "/health");
      WsTestClient client = await(WsTestClient.connect(vertx, running.port(), "/signal"));
      client.send(frame("PING", new JsonObject()));
      expect(client, "PONG");
    } finally {
      await(vertx.close());
    }
  }
}
