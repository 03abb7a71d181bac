package switchboard.securecall;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import switchboard.app.EnvOverrides;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.securecall.impl.TurnCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

  private static TurnConfig turn(JsonObject section) {
    return TurnConfig.read(new ConfigReader(new JsonObject().put("turn", section)).section("turn"));
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

  /** Verifies that without a secret the dev secret signs and is reported, so the prod profile refuses it. */
  @Test
  void missingSecretIsReportedAsDevSecret() {
    SecureCallConfig dev = SecureCallConfig.read(new ConfigReader(new JsonObject()));
    assertThat(dev.turn().devSecret()).isTrue();
    assertThat(dev.devSecretsInUse()).containsExactly("securecall.turn.secrets");
    assertThat(dev.turn().urls()).containsExactly("turn:a.relay.metered.ca:443?transport=tcp");
    assertThat(dev.turn().toString()).doesNotContain(TurnConfig.DEV_SECRET);
    assertThat(dev.http().port()).isEqualTo(8090);
    assertThat(dev.ws().maxMessageBytes()).isEqualTo(65536);
    assertThat(dev.ws().authTimeout().toSeconds()).isEqualTo(60);
    assertThat(dev.ws().idleTimeout().toSeconds()).isEqualTo(60);
  }

  /** Verifies that SWITCHBOARD_TURN_SECRET becomes the only (signing) secret and clears the dev warning. */
  @Test
  void environmentSecretIsUsed() {
    JsonObject root = EnvOverrides.apply(new JsonObject(), Map.of("SWITCHBOARD_TURN_SECRET", "from-env"));
    SecureCallConfig config = SecureCallConfig.read(new ConfigReader(root).section("securecall"));
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
    assertThatThrownBy(() -> SecureCallConfig.read(new ConfigReader(new JsonObject().put("ringTimeoutMs", "soon"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ringTimeoutMs");
    assertThat(List.of(turn(new JsonObject()).ttlSeconds())).containsExactly(86_400L);
  }
}
