package switchboard.fingerprint;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import switchboard.app.AppConfig;
import switchboard.app.EnvOverrides;
import switchboard.app.ServiceCatalog;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.config.DevSecrets;
import switchboard.fingerprint.impl.ApiKeys;
import switchboard.fingerprint.impl.Permission;
import switchboard.platform.Profile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Verifies the fingerprint config section: defaults, API keys, env keys, dev-key refusal in prod. */
class FingerprintConfigTest {

  private static FingerprintConfig read(JsonObject section) {
    return FingerprintConfig.read(new ConfigReader(section));
  }

  private static ConfigReader section(JsonObject fingerprint) {
    return new ConfigReader(new JsonObject().put("fingerprint", fingerprint)).section("fingerprint");
  }

  /** Verifies that an empty section gets the contract's port, timeouts and heartbeat. */
  @Test
  void defaults() {
    FingerprintConfig c = read(new JsonObject());
    assertThat(c.enabled()).isTrue();
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.heartbeatInterval().toSeconds()).isEqualTo(30);
    assertThat(c.ws().idleTimeout().toSeconds()).isEqualTo(60);
    assertThat(c.scan().defaultTimeout().toMillis()).isEqualTo(30_000);
    assertThat(c.scan().defaultQualityThreshold()).isEqualTo(50);
    assertThat(c.apiKeys().size()).isZero();
    assertThat(c.hardware().simulated().devices()).extracting(d -> d.id()).containsExactly("device-001");
    assertThat(c.devSecretsInUse()).isEmpty();
  }

  /** Verifies that keys are matched by hash, revoked ones refused, malformed ones refused before hashing. */
  @Test
  void apiKeysByHash() {
    String key = "ak_live_abcdefghijklmnop0123";
    FingerprintConfig c = read(new JsonObject().put("apiKeys", new JsonArray()
        .add(new JsonObject().put("hash", ApiKeys.hashHex(key)).put("permissions", new JsonArray().add("device:read")))
        .add(new JsonObject().put("hash", ApiKeys.hashHex("ak_test_revokedrevoked0000")).put("revoked", true))));
    assertThat(c.apiKeys().authenticate(key).orElseThrow().permissions()).containsExactly(Permission.DEVICE_READ);
    assertThat(c.apiKeys().authenticate(key).orElseThrow().id()).startsWith("key:").hasSize(16);
    assertThat(c.apiKeys().authenticate("ak_test_revokedrevoked0000")).isEmpty();
    assertThat(c.apiKeys().authenticate("ak_live_abcdefghijklmnop0124")).isEmpty();
    assertThat(c.apiKeys().authenticate("sk_live_abcdefghijklmnop0123")).isEmpty();
    assertThat(c.apiKeys().authenticate(null)).isEmpty();
  }

  /** Verifies that SWITCHBOARD_FINGERPRINT_API_KEYS keys are accepted, and that errors never echo a key. */
  @Test
  void extraKeysFromTheEnvironment() {
    JsonObject root = EnvOverrides.apply(new JsonObject(), Map.of("SWITCHBOARD_FINGERPRINT_API_KEYS",
        "ak_test_fromenv0000000000001=device:read|fingerprint:scan, ak_live_fromenv0000000000002=device:read"));
    FingerprintConfig c = read(root.getJsonObject("fingerprint"));
    assertThat(c.apiKeys().authenticate("ak_test_fromenv0000000000001").orElseThrow().permissions())
        .isEqualTo(Set.of(Permission.DEVICE_READ, Permission.FINGERPRINT_SCAN));
    assertThat(c.apiKeys().authenticate("ak_live_fromenv0000000000002").orElseThrow().permissions())
        .containsExactly(Permission.DEVICE_READ);
    assertThatThrownBy(() -> read(new JsonObject().put("extraApiKeys", "ak_live_short=device:read")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("extraApiKeys").hasMessageNotContaining("ak_live_short");
    assertThatThrownBy(() -> read(new JsonObject().put("extraApiKeys", "ak_live_fromenv0000000000002=launch")))
        .hasMessageContaining("unknown permission \"launch\"");
  }

  /** Verifies that bad values stop start-up with the key named. */
  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> read(new JsonObject().put("apiKeys", new JsonArray().add(new JsonObject().put("hash", "abc")))))
        .hasMessageContaining("apiKeys[0].hash");
    assertThatThrownBy(() -> read(new JsonObject().put("scan", new JsonObject().put("defaultQualityThreshold", 101))))
        .hasMessageContaining("scan.defaultQualityThreshold");
    assertThatThrownBy(() -> read(new JsonObject().put("hardware", new JsonObject().put("simulated", new JsonObject()
        .put("devices", new JsonArray().add(new JsonObject().put("id", "a")).add(new JsonObject().put("id", "a")))))))
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> read(new JsonObject().put("hardware", new JsonObject().put("simulated", new JsonObject()
        .put("devices", new JsonArray().add(new JsonObject().put("id", "a").put("failure", "explode")))))))
        .hasMessageContaining("failure");
  }

  /** Verifies that dev accepts this installation's generated key (reported as a dev secret) and prod no ak_test_ key. */
  @Test
  void devKeyIsRefusedInProd() throws Exception {
    String devKey = "ak_test_" + "0123456789abcdef".repeat(2);
    DevSecrets secrets = new DevSecrets("jwt-secret-not-used-here", "turn-secret-not-used-here", devKey);
    JsonObject root = new JsonObject(Files.readString(Path.of("conf/default.json")));
    FingerprintDefinition definition = new FingerprintDefinition();
    FingerprintConfig dev = definition.parse(section(root.getJsonObject("fingerprint")),
        Profile.DEV, () -> secrets);
    assertThat(dev.devSecretsInUse()).containsExactly("fingerprint.devApiKey");
    assertThat(dev.apiKeys().authenticate(devKey).orElseThrow().permissions()).containsExactlyInAnyOrder(Permission.values());

    JsonObject devKeyEverywhere = new JsonObject()
        .put("apiKeys", new JsonArray().add(new JsonObject().put("hash", ApiKeys.hashHex(devKey))))
        .put("extraApiKeys", devKey + "=device:read");
    assertThat(definition.parse(section(devKeyEverywhere), Profile.DEV, () -> secrets)
        .devSecretsInUse()).containsExactly("fingerprint.devApiKey", "fingerprint.apiKeys[0]", "fingerprint.extraApiKeys entry 1");

    JsonObject devKeyHash = devKeyEverywhere.copy();
    devKeyHash.remove("extraApiKeys");
    FingerprintConfig prod = definition.parse(section(devKeyHash), Profile.PROD, () -> {
          throw new AssertionError("prod must not read the dev secrets");
        });
    assertThat(prod.devSecretsInUse()).isEmpty();
    assertThat(prod.apiKeys().authenticate(devKey)).isEmpty();

    JsonObject prodRoot = root.copy().put("profile", "prod").put("jwt", new JsonObject()
        .put("hs256Secret", "a-real-production-secret-of-enough-length-0123456789"));
    // SecureCall, read before Fingerprint, needs its own prod secret to get that far.
    prodRoot.getJsonObject("securecall").put("turn", new JsonObject()
        .put("secrets", new JsonArray().add("a-real-turn-secret-of-enough-length-0123456789")));
    prodRoot.getJsonObject("fingerprint").put("extraApiKeys", "ak_test_fromenv0000000000001=device:read");
    assertThatThrownBy(() -> AppConfig.read(prodRoot, ServiceCatalog.all()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("fingerprint.extraApiKeys")
        .hasMessageContaining("ak_test_").hasMessageNotContaining("fromenv");
  }

  /** Verifies that scripts/fingerprint-key-hash prints the hash the service compares with, and refuses non-keys. */
  @Test
  void keyHashScriptAgreesWithTheService() throws Exception {
    String key = "ak_live_scriptcheck000000000001";
    Process ok = new ProcessBuilder("scripts/fingerprint-key-hash", key).redirectErrorStream(true).start();
    String printed = new String(ok.getInputStream().readAllBytes()).trim();
    assertThat(ok.waitFor()).isZero();
    assertThat(printed).isEqualTo(ApiKeys.hashHex(key));
    Process bad = new ProcessBuilder("scripts/fingerprint-key-hash", "sk_nope").redirectErrorStream(true).start();
    bad.getInputStream().readAllBytes();
    assertThat(bad.waitFor()).isEqualTo(2);
  }
}
