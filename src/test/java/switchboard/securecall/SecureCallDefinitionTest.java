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

  private static JsonObject root(String profile, JsonObject securecall) throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/default.json")));
    json.put("profile", profile).put("jwt", new JsonObject().put("hs256Secret", TestPlatform.JWT_SECRET));
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

  /** Verifies that --profile prod refuses the built-in TURN secret and accepts a configured one. */
  @Test
  void prodProfileRefusesTheDevTurnSecret() throws Exception {
    assertThatThrownBy(() -> AppConfig.read(root("prod", new JsonObject()), ONLY_SECURECALL))
        .isInstanceOf(ConfigException.class).hasMessageContaining("securecall.turn.secrets");
    JsonObject withSecret = new JsonObject().put("turn", new JsonObject().put("secrets", new JsonArray().add("real")));
    assertThat(AppConfig.read(root("prod", withSecret), ONLY_SECURECALL).devSecretsInUse()).isEmpty();
  }

  /** Verifies that the definition deploys a working service and reports its endpoints. */
  @Test
  void definitionDeploysAndReportsEndpoints() {
    Vertx vertx = Vertx.vertx();
    try {
      SecureCallDefinition definition = new SecureCallDefinition();
      SecureCallConfig config = definition.parse(new ConfigReader(new JsonObject().put("host", "127.0.0.1")
          .put("port", 0).put("dataDir", dataDir.toString())), Profile.DEV);
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
