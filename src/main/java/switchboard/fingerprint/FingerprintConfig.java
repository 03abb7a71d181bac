package switchboard.fingerprint;

import switchboard.config.ConfigReader;
import switchboard.config.HttpEndpointConfig;
import switchboard.fingerprint.hardware.HardwareConfig;
import switchboard.fingerprint.impl.ApiKeys;
import switchboard.fingerprint.impl.Permission;
import switchboard.platform.Profile;
import switchboard.platform.ServiceConfig;
import switchboard.ws.WsLimits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code fingerprint} section, read and checked in one place (defaults included).
 *
 * @param enabled           run the service
 * @param http              bind address, port (8080), TLS, allowed origins
 * @param ws                WebSocket limits; {@code ws.idleTimeoutMs} (60 s) is the heartbeat window
 * @param heartbeatInterval JSON {@code ping} sent to every client this often (30 s); zero: none
 * @param apiKeys           accepted keys (configured hashes plus {@code extraApiKeys})
 * @param version           reported in service:status and /api/health
 * @param commandTimeout    how long a command to a device's node may take before 5001
 * @param maxBodyBytes      REST request body limit
 * @param scan              scan defaults and limits
 * @param hardware          the hardware verticle
 * @param devSecrets        config keys holding this installation's generated dev key
 */
public record FingerprintConfig(boolean enabled, HttpEndpointConfig http, WsLimits ws, Duration heartbeatInterval,
                                ApiKeys apiKeys, String version, Duration commandTimeout, long maxBodyBytes,
                                ScanConfig scan, HardwareConfig hardware, List<String> devSecrets)
    implements ServiceConfig {

  public static final int DEFAULT_PORT = 8080;

  /** The service's WebSocket limits before config: small frames, a 10 s auth window, a 60 s heartbeat window. */
  public static final WsLimits DEFAULT_WS = WsLimits.DEFAULTS
      .withMessageSize(16 * 1024, 1, 64 * 1024)
      .withAuthTimeout(Duration.ofSeconds(10))
      .withIdleTimeout(Duration.ofSeconds(60))
      .withRate(20, 40, 40);

  /**
   * Scan defaults and bounds (a client's options are checked against them).
   *
   * @param defaultTimeout          options.timeout when absent (30 s, as the contract says)
   * @param minTimeout              smallest accepted options.timeout
   * @param maxTimeout              largest accepted options.timeout
   * @param defaultQualityThreshold options.qualityThreshold when absent (50, as the contract says)
   * @param enrollScans             scansRequired of {@code mode:"enroll"} without an explicit count
   * @param maxScansRequired        largest accepted options.scansRequired
   * @param deviceScansRequired     per device id: scansRequired of a scan:start that names neither a count nor
   *                                a mode (an enrollment station whose clients send only a deviceId); others 1
   * @param retention               how long a finished scan stays readable (GET /api/scans/{id})
   * @param maxRetained             finished scans kept per node at most
   */
  public record ScanConfig(Duration defaultTimeout, Duration minTimeout, Duration maxTimeout,
                           int defaultQualityThreshold, int enrollScans, int maxScansRequired,
                           Map<String, Integer> deviceScansRequired, Duration retention, int maxRetained) {

    /** scansRequired of a scan on this device when the client asked for nothing in particular. */
    public int defaultScansRequired(String deviceId) {
      return deviceScansRequired.getOrDefault(deviceId, 1);
    }

    static ScanConfig read(ConfigReader r) {
      Duration min = r.millis("minTimeoutMs", 100, 1, 3_600_000);
      Duration max = r.millis("maxTimeoutMs", 300_000, 1, 3_600_000);
      if (max.compareTo(min) < 0) {
        throw r.invalid("maxTimeoutMs", "must be at least minTimeoutMs (" + min.toMillis() + ")");
      }
      Duration def = r.millis("defaultTimeoutMs", 30_000, 1, 3_600_000);
      if (def.compareTo(min) < 0 || def.compareTo(max) > 0) {
        throw r.invalid("defaultTimeoutMs", "must lie between minTimeoutMs and maxTimeoutMs");
      }
      int maxScans = r.integer("maxScansRequired", 10, 1, 100);
      ConfigReader perDevice = r.section("deviceScansRequired");
      Map<String, Integer> deviceScans = new TreeMap<>();
      for (String deviceId : perDevice.names()) {
        deviceScans.put(deviceId, perDevice.integer(deviceId, 1, 1, maxScans));
      }
      return new ScanConfig(def, min, max,
          r.integer("defaultQualityThreshold", 50, 0, 100),
          r.integer("enrollScans", 3, 1, maxScans),
          maxScans,
          Map.copyOf(deviceScans),
          r.millis("retentionMs", 600_000, 1000, 86_400_000),
          r.integer("maxRetained", 1000, 1, 1_000_000));
    }
  }

  /** The section as the dev profile reads it, without a generated dev key (tests, tools). */
  public static FingerprintConfig read(ConfigReader r) {
    return read(r, Profile.DEV, null);
  }

  /**
   * @param profile   prod refuses {@code ak_test_} keys: in {@code extraApiKeys} at start, and at authentication
   *                  (a configured hash cannot tell what kind of key it came from)
   * @param devApiKey this installation's generated dev key, accepted with every permission; null: none
   */
  public static FingerprintConfig read(ConfigReader r, Profile profile, String devApiKey) {
    List<ApiKeys.Entry> keys = new ArrayList<>();
    List<String> devSecrets = new ArrayList<>();
    String devHash = devApiKey == null ? null : ApiKeys.hashHex(devApiKey);
    if (devApiKey != null) {
      keys.add(ApiKeys.fromHash(ApiKeys.sha256(devApiKey), EnumSet.allOf(Permission.class), false));
      devSecrets.add(r.key("devApiKey"));
    }
    List<ConfigReader> configured = r.sections("apiKeys");
    for (int i = 0; i < configured.size(); i++) {
      ConfigReader k = configured.get(i);
      String hash = k.requiredString("hash").toLowerCase();
      if (!hash.matches("[0-9a-f]{64}")) {
        throw k.invalid("hash", "must be the 64 hex digits of a SHA-256 (scripts/fingerprint-key-hash prints it)");
      }
      if (hash.equals(devHash)) {
        devSecrets.add(r.key("apiKeys") + "[" + i + "]");
      }
      keys.add(ApiKeys.fromHash(HexFormat.of().parseHex(hash), permissions(k, k.strings("permissions", List.of())),
          k.bool("revoked", false)));
    }
    keys.addAll(extraKeys(r, r.string("extraApiKeys", ""), profile, devHash, devSecrets));
    return new FingerprintConfig(
        r.bool("enabled", true),
        HttpEndpointConfig.read(r, DEFAULT_PORT),
        WsLimits.read(r.section("ws"), DEFAULT_WS),
        r.millis("heartbeatIntervalMs", 30_000, 0, 3_600_000),
        new ApiKeys(keys, profile.isDev()),
        r.string("version", "1.0.0"),
        r.millis("commandTimeoutMs", 5000, 100, 120_000),
        r.integer("maxBodyBytes", 16 * 1024, 256, 1024 * 1024),
        ScanConfig.read(r.section("scan")),
        HardwareConfig.read(r.section("hardware")),
        List.copyOf(devSecrets));
  }

  /** {@code key=perm1|perm2,key2=perm1} (SWITCHBOARD_FINGERPRINT_API_KEYS); the keys are hashed at once. */
  private static List<ApiKeys.Entry> extraKeys(ConfigReader r, String list, Profile profile, String devHash,
                                               List<String> devSecrets) {
    List<ApiKeys.Entry> out = new ArrayList<>();
    if (list.isBlank()) {
      return out;
    }
    String[] items = list.split(",");
    for (int i = 0; i < items.length; i++) {
      String item = items[i].trim();
      int eq = item.indexOf('=');
      String key = eq < 0 ? item : item.substring(0, eq).trim();
      // The key itself must never reach a log or an error message: name the position only.
      if (!ApiKeys.FORMAT.matcher(key).matches()) {
        throw r.invalid("extraApiKeys", "entry " + (i + 1) + " is not an ak_live_/ak_test_ key followed by 16+ characters");
      }
      if (!profile.isDev() && key.startsWith(ApiKeys.TEST_PREFIX)) {
        throw r.invalid("extraApiKeys", "entry " + (i + 1) + " is an ak_test_ key, which --profile prod refuses");
      }
      if (ApiKeys.hashHex(key).equals(devHash)) {
        devSecrets.add(r.key("extraApiKeys") + " entry " + (i + 1));
      }
      List<String> perms = eq < 0 ? List.of() : List.of(item.substring(eq + 1).split("\\|"));
      out.add(ApiKeys.fromHash(ApiKeys.sha256(key), permissions(r, perms), false));
    }
    return out;
  }

  private static Set<Permission> permissions(ConfigReader r, List<String> names) {
    Set<Permission> out = EnumSet.noneOf(Permission.class);
    for (String name : names) {
      if (name.isBlank()) {
        continue;
      }
      Permission p = Permission.parse(name);
      if (p == null) {
        throw r.invalid("permissions", "unknown permission \"" + name.trim() + "\" (known: device:read, fingerprint:scan)");
      }
      out.add(p);
    }
    return out;
  }

  @Override
  public List<String> devSecretsInUse() {
    return devSecrets;
  }
}
