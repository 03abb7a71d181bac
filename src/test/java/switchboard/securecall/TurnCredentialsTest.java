package switchboard.securecall;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.app.EnvOverrides;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.config.DevSecrets;
import switchboard.platform.Profile;
import switchboard.securecall.impl.TurnCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Verifies coturn REST-API credentials against the shared vectors and the TURN part of the config. */
class TurnCredentialsTest {

  private static JsonArray vectors() throws IOException {
    try (InputStream in = TurnCredentialsTest.class.getResourceAsStream("/vectors/turn-credentials.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonArray("cases");
    }
  }

  @TempDir
  Path runDir;

  /** Reads a turn section in the dev profile; a test that leaves {@code secrets} empty must not rely on this one. */
  private static TurnConfig turn(JsonObject section) {
    return TurnConfig.read(new ConfigReader(new JsonObject().put("turn", section)).section("turn"), () -> "dev");
  }

  private static ConfigReader section(JsonObject securecall) {
    return new ConfigReader(new JsonObject().put("securecall", securecall)).section("securecall");
  }

  private static SecureCallConfig read(ConfigReader section, Profile profile) {
    return new SecureCallDefinition().parse(section, profile);
  }

  /** Verifies that every vector's username and credential are reproduced byte for byte. */
  @Test
  void reproducesEveryVector() throws IOException {
    JsonArray cases = vectors();
    assertThat(cases).hasSize(5);
    for (int i = 0; i < cases.size(); i++) {
      JsonObject c = cases.getJsonObject(i);
      // GIVEN the vector's secret, user and expiry
      assertThat(c.getString("secret").getBytes(StandardCharsets.UTF_8)).hasSize(c.getInteger("secretUtf8Length"));
      // WHEN the username and credential are computed
      String username = TurnCredentials.username(c.getLong("expiry"), c.getString("userId"));
      String credential = TurnCredentials.credential(c.getString("secret"), username);
      // THEN they equal the recorded ones
      assertThat(username).as(c.getString("id")).isEqualTo(c.getString("username"));
      assertThat(credential).as(c.getString("id")).isEqualTo(c.getString("credential"));
      assertThat(HexFormat.of().formatHex(Base64.getDecoder().decode(credential))).isEqualTo(c.getString("credentialHex"));
    }
  }

  /** Verifies that iceServers signs with the newest secret and the configured TTL, in RTCIceServer shape. */
  @Test
  void iceServersUseTheNewestSecretAndTtl() throws IOException {
    JsonObject vector = vectors().getJsonObject(0);
    long ttl = 3600;
    TurnConfig config = turn(new JsonObject().put("ttlSeconds", ttl).put("stunUrls", new JsonArray())
        .put("urls", new JsonArray().add("turn:relay.example:3478").add("turns:relay.example:5349"))
        .put("secrets", new JsonArray().add(vector.getString("secret")).add("retired-secret")));
    JsonArray servers = new TurnCredentials(config).iceServers(vector.getString("userId"), vector.getLong("expiry") - ttl);
    assertThat(servers).hasSize(1);
    assertThat(servers.getJsonObject(0)).isEqualTo(new JsonObject()
        .put("urls", new JsonArray().add("turn:relay.example:3478").add("turns:relay.example:5349"))
        .put("username", vector.getString("username"))
        .put("credential", vector.getString("credential")));
  }

  /**
   * Verifies that without a secret this installation's generated dev secret signs and is reported (so the
   * prod profile refuses it), and that it never appears in the config's text or in what clients get.
   */
  @Test
  void missingSecretUsesTheInstallationsDevSecret() {
    DevSecrets installation = DevSecrets.loadOrCreate(runDir.resolve("dev-secrets.json"));
    SecureCallConfig dev = new SecureCallDefinition().parse(new ConfigReader(new JsonObject()), Profile.DEV,
        () -> installation);
    assertThat(dev.turn().devSecret()).isTrue();
    assertThat(dev.turn().signingSecret()).isEqualTo(installation.turnSecret());
    assertThat(dev.devSecretsInUse()).containsExactly("securecall.turn.secrets");
    assertThat(dev.turn().urls()).containsExactly("turn:a.relay.metered.ca:443?transport=tcp");
    assertThat(dev.turn().toString()).doesNotContain(installation.turnSecret());
    assertThat(dev.toString()).doesNotContain(installation.turnSecret());
    JsonObject turnServer = new TurnCredentials(dev.turn()).iceServers("alice", 1_700_000_000L).getJsonObject(1);
    assertThat(turnServer.encode()).doesNotContain(installation.turnSecret());
    assertThat(turnServer.getString("credential"))
        .isEqualTo(TurnCredentials.credential(installation.turnSecret(), turnServer.getString("username")));
    assertThat(dev.http().port()).isEqualTo(8090);
    assertThat(dev.ws().maxMessageBytes()).isEqualTo(65536);
    assertThat(dev.ws().authTimeout().toSeconds()).isEqualTo(60);
    assertThat(dev.ws().idleTimeout().toSeconds()).isEqualTo(60);
  }

  /** Verifies that the prod profile refuses to start without a configured TURN secret or without token mode. */
  @Test
  void prodNeedsASecretAndTokenMode() {
    assertThatThrownBy(() -> read(section(new JsonObject()), Profile.PROD))
        .isInstanceOf(ConfigException.class).hasMessageContaining("securecall.turn.secrets")
        .hasMessageContaining("--profile prod");
    JsonObject withSecret = new JsonObject().put("turn", new JsonObject().put("secrets", new JsonArray().add("real")));
    SecureCallConfig prod = read(section(withSecret), Profile.PROD);
    assertThat(prod.requireToken()).isTrue();
    assertThat(prod.turn().devSecret()).isFalse();
    assertThatThrownBy(() -> read(section(withSecret.copy().put("requireToken", false)),
        Profile.PROD)).isInstanceOf(ConfigException.class).hasMessageContaining("securecall.requireToken");
    assertThat(read(new ConfigReader(withSecret), Profile.DEV).requireToken()).isFalse();
  }

  /** Verifies that SWITCHBOARD_TURN_SECRET becomes the only (signing) secret and clears the dev warning. */
  @Test
  void environmentSecretIsUsed() {
    JsonObject root = EnvOverrides.apply(new JsonObject(), Map.of("SWITCHBOARD_TURN_SECRET", "from-env"));
    SecureCallConfig config = read(new ConfigReader(root).section("securecall"), Profile.PROD);
    assertThat(config.turn().secrets()).containsExactly("from-env");
    assertThat(config.devSecretsInUse()).isEmpty();
  }

  /** Verifies that bad TURN values stop start-up with the key named. */
  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> turn(new JsonObject().put("secrets", "one")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("turn.secrets");
    assertThatThrownBy(() -> turn(new JsonObject().put("secrets", new JsonArray().add(""))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("turn.secrets[0]");
    assertThatThrownBy(() -> turn(new JsonObject().put("urls", new JsonArray().add("http://x"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("turn.urls");
    assertThatThrownBy(() -> turn(new JsonObject().put("urls", new JsonArray())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("turn.urls");
    assertThatThrownBy(() -> turn(new JsonObject().put("stunUrls", new JsonArray().add("turn:x"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("turn.stunUrls");
    assertThatThrownBy(() -> turn(new JsonObject().put("ttlSeconds", 5)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("turn.ttlSeconds");
    assertThatThrownBy(() -> read(new ConfigReader(new JsonObject().put("ringTimeoutMs", "soon")), Profile.DEV))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ringTimeoutMs");
    assertThat(List.of(turn(new JsonObject()).ttlSeconds())).containsExactly(3_600L);
  }
}
