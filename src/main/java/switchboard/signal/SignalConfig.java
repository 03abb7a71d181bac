package switchboard.signal;

import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.config.HttpEndpointConfig;
import switchboard.platform.Profile;
import switchboard.platform.ServiceConfig;
import switchboard.ws.WsLimits;

import switchboard.config.DevSecrets;
import switchboard.signal.impl.HistorySeal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.function.Supplier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code signal} config section, every value checked; defaults are filled in here only.
 *
 * @param enabled            deploy the service
 * @param http               bind address, port (3500), TLS, allowed WebSocket origins
 * @param wsPath             WebSocket path ("/ws")
 * @param ecdhInfo           HKDF info string; must equal the clients' (env APP_ENV_WEBSOCKET_ECDH_INFO)
 * @param encryption         ECDH + AES-GCM on; false sends plaintext both ways (benchmark baseline, debugging)
 * @param requireEncryption  refuse plaintext application events from clients
 * @param maxDecryptFailures consecutive undecryptable frames that close the connection (1008)
 * @param rooms              configured rooms by name, in configuration order
 * @param limits             WebSocket limits (section {@code signal.ws})
 * @param routeTimeout       how long a send waits for another node's answer
 * @param maxRestBodyBytes   largest REST request body
 */
public record SignalConfig(boolean enabled, HttpEndpointConfig http, String wsPath, String ecdhInfo,
                           boolean encryption, boolean requireEncryption, int maxDecryptFailures,
                           Map<String, RoomPolicy> rooms, WsLimits limits, Duration routeTimeout,
                           int maxRestBodyBytes, HistorySeal historySeal, boolean historySecretConfigured)
    implements ServiceConfig {

  public static final int DEFAULT_PORT = 3500;
  public static final String DEFAULT_WS_PATH = "/ws";
  /** The HKDF info of the reference deployment; any string works as long as clients use the same one. */
  public static final String DEFAULT_ECDH_INFO = "nx-signal-ws-v1";
  public static final int DEFAULT_MAX_DECRYPT_FAILURES = 5;

  /** Signal's limits: 5 s to authenticate, 90 s of silence closes (heartbeats come every 30 s). */
  public static final WsLimits DEFAULT_LIMITS = WsLimits.DEFAULTS
      .withAuthTimeout(Duration.ofSeconds(5))
      .withIdleTimeout(Duration.ofSeconds(90))
      .withMessageSize(64 * 1024, 1, 256 * 1024)
      .withRate(50, 100, 50);

  /** The default rooms; {@code ws-test-payment} exists only in the dev profile. */
  static Map<String, RoomConfig> defaultRooms() {
    Map<String, RoomConfig> rooms = new LinkedHashMap<>();
    rooms.put("ws-default", new RoomConfig(Set.of(), true, false));
    rooms.put("ws-orders", new RoomConfig(Set.of("pos", "admin"), false, false));
    rooms.put("ws-notifications", new RoomConfig(Set.of(), true, false));
    rooms.put("ws-payment", new RoomConfig(Set.of("pos", "admin"), false, false));
    rooms.put("ws-test-payment", new RoomConfig(Set.of(), false, true));
    return rooms;
  }

  record RoomConfig(Set<String> roles, boolean autoJoin, boolean devOnly, RoomPolicy.History history) {

    RoomConfig(Set<String> roles, boolean autoJoin, boolean devOnly) {
      this(roles, autoJoin, devOnly, null);
    }
  }

  public SignalConfig {
    rooms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rooms));
  }

  /** Dev nodes without a configured or generated secret share this one, so test clusters in one JVM agree. */
  private static final byte[] PROCESS_HISTORY_KEY = randomKey();

  public static SignalConfig read(ConfigReader r, Profile profile) {
    return read(r, profile, null);
  }

  /**
   * @param devSecrets this installation's generated secrets (dev only; null when there are none), from
   *                   which a dev cluster on one machine derives its history key
   */
  public static SignalConfig read(ConfigReader r, Profile profile, Supplier<DevSecrets> devSecrets) {
    boolean encryption = r.bool("encryption", true);
    if (!encryption && profile == Profile.PROD) {
      throw new ConfigException(r.key("encryption"), "cannot be false in the prod profile");
    }
    String path = r.string("wsPath", DEFAULT_WS_PATH);
    if (!path.startsWith("/")) {
      throw r.invalid("wsPath", "must start with /");
    }
    String info = r.string("ecdhInfo", DEFAULT_ECDH_INFO);
    if (info.length() > 1024) {
      throw r.invalid("ecdhInfo", "must be at most 1024 characters");
    }
    return new SignalConfig(
        r.bool("enabled", true),
        HttpEndpointConfig.read(r, DEFAULT_PORT),
        path,
        info,
        encryption,
        r.bool("requireEncryption", true),
        r.integer("maxDecryptFailures", DEFAULT_MAX_DECRYPT_FAILURES, 1, 1000),
        rooms(r, profile),
        WsLimits.read(r.section("ws"), DEFAULT_LIMITS),
        r.millis("routeTimeoutMs", 1000, 100, 60_000),
        r.integer("maxRestBodyBytes", 64 * 1024, 1024, 16 * 1024 * 1024),
        new HistorySeal(historyKey(r, profile, devSecrets)),
        !r.string("historySecret", "").isEmpty());
  }

  /**
   * The key that seals the room history in Hazelcast: SHA-256 of {@code historySecret}; in dev without one,
   * derived from the installation's generated secrets, else (tests) this process's random key. Prod without
   * one gets a random key: fine for a single node; a clustered prod node refuses to start (SignalVerticle).
   */
  private static byte[] historyKey(ConfigReader r, Profile profile, Supplier<DevSecrets> devSecrets) {
    String secret = r.string("historySecret", "");
    if (!secret.isEmpty()) {
      if (secret.length() < 32) {
        throw r.invalid("historySecret", "must be at least 32 characters");
      }
      return sha256("switchboard signal history\n" + secret);
    }
    if (profile == Profile.PROD) {
      return randomKey();
    }
    return devSecrets != null ? sha256("switchboard signal history\n" + devSecrets.get().jwtSecret())
        : PROCESS_HISTORY_KEY.clone();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  private static Map<String, RoomPolicy> rooms(ConfigReader r, Profile profile) {
    RoomPolicy.History defaultHistory = history(r, RoomPolicy.History.DEFAULT);
    Map<String, RoomConfig> configured = new LinkedHashMap<>();
    if (r.has("rooms")) {
      ConfigReader section = r.section("rooms");
      for (String name : section.names()) {
        if (!name.matches("[A-Za-z0-9._:-]{1,64}")) {
          throw section.invalid(name, "room names are 1-64 letters, digits or . _ : -");
        }
        ConfigReader room = section.section(name);
        configured.put(name, new RoomConfig(Set.copyOf(room.strings("roles", List.of())),
            room.bool("autoJoin", false), room.bool("devOnly", false), history(room, defaultHistory)));
      }
    } else {
      configured.putAll(defaultRooms());
    }
    Map<String, RoomPolicy> rooms = new LinkedHashMap<>();
    configured.forEach((name, room) -> {
      if (!room.devOnly() || profile.isDev()) {
        rooms.put(name, new RoomPolicy(name, room.roles(), room.autoJoin(),
            room.history() != null ? room.history() : defaultHistory));
      }
    });
    return rooms;
  }

  /** The {@code history} subsection of {@code r} (the signal section or one room), over {@code defaults}. */
  private static RoomPolicy.History history(ConfigReader r, RoomPolicy.History defaults) {
    if (!r.has("history")) {
      return defaults;
    }
    ConfigReader h = r.section("history");
    return new RoomPolicy.History(h.integer("size", defaults.size(), 1, 100_000),
        h.integer("ttlSeconds", defaults.ttlSeconds(), 1, 86_400));
  }

  public List<RoomPolicy> autoJoinRooms() {
    return rooms.values().stream().filter(RoomPolicy::autoJoin).toList();
  }
}
