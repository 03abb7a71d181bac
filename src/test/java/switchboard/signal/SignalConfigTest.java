package switchboard.signal;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import switchboard.app.AppConfig;
import switchboard.app.EnvOverrides;
import switchboard.app.ServiceCatalog;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.platform.Profile;
import switchboard.platform.RunningService;
import switchboard.testing.TestPlatform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static switchboard.testing.Await.await;

/** Verifies the signal config section: defaults, profile rules, validation, and deployment through the definition. */
class SignalConfigTest {

  private static SignalConfig read(JsonObject section, Profile profile) {
    return SignalConfig.read(new ConfigReader(new JsonObject().put("signal", section)).section("signal"), profile);
  }

  /** Verifies the defaults: port 3500, /ws, ECDH info, encryption required, the default rooms and limits. */
  @Test
  void defaults() {
    SignalConfig c = read(new JsonObject(), Profile.DEV);
    assertThat(c.enabled()).isTrue();
    assertThat(c.http().port()).isEqualTo(3500);
    assertThat(c.wsPath()).isEqualTo("/ws");
    assertThat(c.ecdhInfo()).isEqualTo("nx-signal-ws-v1");
    assertThat(c.encryption()).isTrue();
    assertThat(c.requireEncryption()).isTrue();
    assertThat(c.maxDecryptFailures()).isEqualTo(5);
    assertThat(c.rooms().keySet()).containsExactly("ws-default", "ws-orders", "ws-notifications", "ws-payment",
        "ws-test-payment");
    assertThat(c.autoJoinRooms()).extracting(RoomPolicy::name).containsExactly("ws-default", "ws-notifications");
    assertThat(c.rooms().get("ws-orders").allows(Set.of("pos"))).isTrue();
    assertThat(c.rooms().get("ws-orders").allows(Set.of("viewer"))).isFalse();
    assertThat(c.limits().authTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
  }

  /** Verifies that the prod profile drops ws-test-payment and refuses encryption off. */
  /** Verifies the history window: 1000 messages / 300 s by default, a section default, a room's own. */
  @Test
  void historyWindowDefaultsAndOverrides() {
    assertThat(read(new JsonObject(), Profile.DEV).rooms().get("ws-orders").history())
        .isEqualTo(new RoomPolicy.History(1000, 300));
    SignalConfig c = read(new JsonObject().put("history", new JsonObject().put("size", 50))
        .put("rooms", new JsonObject()
            .put("a", new JsonObject())
            .put("b", new JsonObject().put("history", new JsonObject().put("ttlSeconds", 10)))), Profile.DEV);
    assertThat(c.rooms().get("a").history()).isEqualTo(new RoomPolicy.History(50, 300));
    assertThat(c.rooms().get("b").history()).isEqualTo(new RoomPolicy.History(50, 10));
    assertThatThrownBy(() -> read(new JsonObject().put("history", new JsonObject().put("size", 0)), Profile.DEV))
        .hasMessageContaining("size");
  }

  @Test
  void prodProfileRules() {
    assertThat(read(new JsonObject(), Profile.PROD).rooms()).doesNotContainKey("ws-test-payment");
    assertThat(read(new JsonObject().put("encryption", false), Profile.DEV).encryption()).isFalse();
    assertThatThrownBy(() -> read(new JsonObject().put("encryption", false), Profile.PROD))
        .isInstanceOf(ConfigException.class).hasMessageContaining("signal.encryption");
  }

  /** Verifies that bad values are refused with the full key named. */
  @Test
  void badValuesNameTheirKey() {
    Map<JsonObject, String> cases = Map.of(
        new JsonObject().put("port", "x"), "signal.port",
        new JsonObject().put("requireEncryption", "yes"), "signal.requireEncryption",
        new JsonObject().put("wsPath", "ws"), "signal.wsPath",
        new JsonObject().put("rooms", new JsonObject().put("bad room!", new JsonObject())), "signal.rooms.bad room!",
        new JsonObject().put("rooms", new JsonObject().put("r", new JsonObject().put("roles", "admin"))), "signal.rooms.r.roles",
        new JsonObject().put("ws", new JsonObject().put("authTimeoutMs", -1)), "signal.ws.authTimeoutMs",
        new JsonObject().put("maxDecryptFailures", 0), "signal.maxDecryptFailures");
    cases.forEach((section, key) -> assertThatThrownBy(() -> read(section, Profile.DEV)).as(key)
        .isInstanceOf(ConfigException.class).hasMessageContaining(key));
  }

  /** Verifies that conf/default.json reads cleanly and APP_ENV_WEBSOCKET_ECDH_INFO overrides the info string. */
  @Test
  void defaultJsonAndEnvOverride() throws Exception {
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/default.json")));
    AppConfig plain = AppConfig.read(json, ServiceCatalog.all());
    SignalConfig c = (SignalConfig) plain.services().get("signal");
    assertThat(c.rooms()).isEqualTo(read(new JsonObject(), Profile.DEV).rooms());
    AppConfig overridden = AppConfig.read(EnvOverrides.apply(json, Map.of("APP_ENV_WEBSOCKET_ECDH_INFO", "NX-Prod/2024")),
        ServiceCatalog.all());
    assertThat(((SignalConfig) overridden.services().get("signal")).ecdhInfo()).isEqualTo("NX-Prod/2024");
  }

  /**
   * Verifies that a non-ASCII APP_ENV_WEBSOCKET_ECDH_INFO is kept as is, and that one the JVM could not decode
   * (outside a UTF-8 locale every non-ASCII byte becomes U+FFFD, and clients would fail every frame with
   * DECRYPTION_FAILED) stops start-up naming the variable, without showing the value of it or of a secret.
   */
  @Test
  void undecodableEnvironmentValueStopsStartUp() {
    // GIVEN a UTF-8 info string, and the same bytes as a JVM in the C locale hands them over
    String info = "interop-signal-ws-ü-v1";
    String mangled = "interop-signal-ws-\uFFFD\uFFFD-v1";

    // WHEN they are applied THEN the first is used exactly, the second is refused
    JsonObject json = EnvOverrides.apply(new JsonObject(), Map.of("APP_ENV_WEBSOCKET_ECDH_INFO", info));
    assertThat(read(json.getJsonObject("signal"), Profile.DEV).ecdhInfo()).isEqualTo(info);
    assertThatThrownBy(() -> EnvOverrides.apply(new JsonObject(), Map.of("APP_ENV_WEBSOCKET_ECDH_INFO", mangled)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("APP_ENV_WEBSOCKET_ECDH_INFO").hasMessageContaining("UTF-8 locale")
        .hasMessageNotContaining("interop-signal");
    assertThatThrownBy(() -> EnvOverrides.apply(new JsonObject(), Map.of("SWITCHBOARD_JWT_SECRET", "s3cr\uFFFDt-value")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SWITCHBOARD_JWT_SECRET").hasMessageNotContaining("s3cr");
  }

  /** Verifies that the definition deploys a server that answers /health and reports its endpoints. */
  @Test
  void definitionDeploysAndAnswersHealth() {
    Vertx vertx = Vertx.vertx();
    try {
      SignalDefinition definition = new SignalDefinition();
      RunningService running = await(definition.deploy(TestPlatform.single(vertx),
          read(new JsonObject().put("host", "127.0.0.1").put("port", 0), Profile.DEV)));
      assertThat(running.name()).isEqualTo("signal");
      assertThat(running.urls()).containsExactly("ws://127.0.0.1:" + running.port() + "/ws",
          "http://127.0.0.1:" + running.port() + "/v1/api/socket/websocket/clients");
      JsonObject health = await(SignalTestSupport.rest(vertx, io.vertx.core.http.HttpMethod.GET, running.port(),
          "/health", null, null)).body();
      assertThat(health.getString("status")).isEqualTo("ok");
    } finally {
      await(vertx.close());
    }
  }
}
