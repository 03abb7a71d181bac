package switchboard.signal.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of an {@link EncryptedWebSocketClient}, with the seed client's defaults.
 */
public class EncryptedWebSocketClientOptions {

  public static final String DEFAULT_ECDH_INFO = "nx-signal-ws-v1";
  public static final boolean DEFAULT_RECONNECT = true;
  public static final long DEFAULT_RECONNECT_INTERVAL_MS = 3000;
  public static final double DEFAULT_BACKOFF_MULTIPLIER = 1.5;
  public static final long DEFAULT_MAX_RECONNECT_INTERVAL_MS = 30_000;
  public static final int DEFAULT_MAX_RETRIES = 5;
  public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;
  public static final boolean DEFAULT_REQUIRE_ENCRYPTION = true;

  private List<String> urls = List.of();
  private String ecdhInfo = DEFAULT_ECDH_INFO;
  private String token;
  private List<String> autoJoinRooms = new ArrayList<>();
  private boolean reconnect = DEFAULT_RECONNECT;
  private long reconnectIntervalMs = DEFAULT_RECONNECT_INTERVAL_MS;
  private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
  private long maxReconnectIntervalMs = DEFAULT_MAX_RECONNECT_INTERVAL_MS;
  private int maxRetries = DEFAULT_MAX_RETRIES;
  private long heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
  private boolean requireEncryption = DEFAULT_REQUIRE_ENCRYPTION;

  public EncryptedWebSocketClientOptions() {
  }

  public EncryptedWebSocketClientOptions(EncryptedWebSocketClientOptions other) {
    this.urls = other.urls;
    this.ecdhInfo = other.ecdhInfo;
    this.token = other.token;
    this.autoJoinRooms = new ArrayList<>(other.autoJoinRooms);
    this.reconnect = other.reconnect;
    this.reconnectIntervalMs = other.reconnectIntervalMs;
    this.backoffMultiplier = other.backoffMultiplier;
    this.maxReconnectIntervalMs = other.maxReconnectIntervalMs;
    this.maxRetries = other.maxRetries;
    this.heartbeatIntervalMs = other.heartbeatIntervalMs;
    this.requireEncryption = other.requireEncryption;
  }

  /** The first server endpoint, or null when none is set. */
  public String getUrl() {
    return urls.isEmpty() ? null : urls.get(0);
  }

  /** The server endpoint, e.g. {@code ws://localhost:3500/ws}. This or {@link #setUrls} is required. */
  public EncryptedWebSocketClientOptions setUrl(String url) {
    this.urls = List.of(Objects.requireNonNull(url, "url"));
    return this;
  }

  public List<String> getUrls() {
    return urls;
  }

  /**
   * Several endpoints of one cluster, e.g. one per node: the client connects to the first and moves on to
   * the next at each reconnect, so the clients of a node that died reach another node within the backoff.
   */
  public EncryptedWebSocketClientOptions setUrls(List<String> urls) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("urls is empty");
    }
    this.urls = List.copyOf(urls);
    return this;
  }

  public String getEcdhInfo() {
    return ecdhInfo;
  }

  /** The HKDF info string; must equal the server's APP_ENV_WEBSOCKET_ECDH_INFO. "nx-signal-ws-v1" by default. */
  public EncryptedWebSocketClientOptions setEcdhInfo(String ecdhInfo) {
    this.ecdhInfo = Objects.requireNonNull(ecdhInfo, "ecdhInfo");
    return this;
  }

  public String getToken() {
    return token;
  }

  /** The JWT sent in authenticate. Required. */
  public EncryptedWebSocketClientOptions setToken(String token) {
    this.token = Objects.requireNonNull(token, "token");
    return this;
  }

  public List<String> getAutoJoinRooms() {
    return List.copyOf(autoJoinRooms);
  }

  /** Rooms joined after every (re)connect. None by default (the server auto-joins its own). */
  public EncryptedWebSocketClientOptions setAutoJoinRooms(List<String> rooms) {
    this.autoJoinRooms = new ArrayList<>(rooms);
    return this;
  }

  public boolean isReconnect() {
    return reconnect;
  }

  /** Reconnect after an unexpected close. True by default. */
  public EncryptedWebSocketClientOptions setReconnect(boolean reconnect) {
    this.reconnect = reconnect;
    return this;
  }

  public long getReconnectIntervalMs() {
    return reconnectIntervalMs;
  }

  /** Delay before the first reconnect attempt, 3000 ms by default. */
  public EncryptedWebSocketClientOptions setReconnectIntervalMs(long ms) {
    this.reconnectIntervalMs = positive(ms, "reconnectIntervalMs");
    return this;
  }

  public double getBackoffMultiplier() {
    return backoffMultiplier;
  }

  /** Factor applied per further attempt, 1.5 by default. */
  public EncryptedWebSocketClientOptions setBackoffMultiplier(double multiplier) {
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("backoffMultiplier must be at least 1");
    }
    this.backoffMultiplier = multiplier;
    return this;
  }

  public long getMaxReconnectIntervalMs() {
    return maxReconnectIntervalMs;
  }

  /** Cap of the reconnect delay, 30000 ms by default. */
  public EncryptedWebSocketClientOptions setMaxReconnectIntervalMs(long ms) {
    this.maxReconnectIntervalMs = positive(ms, "maxReconnectIntervalMs");
    return this;
  }

  public int getMaxRetries() {
    return maxRetries;
  }

  /** Consecutive failed attempts before reconnect_failed, 5 by default. */
  public EncryptedWebSocketClientOptions setMaxRetries(int maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative");
    }
    this.maxRetries = maxRetries;
    return this;
  }

  public long getHeartbeatIntervalMs() {
    return heartbeatIntervalMs;
  }

  /** How often a heartbeat is sent once authenticated, 30000 ms by default. */
  public EncryptedWebSocketClientOptions setHeartbeatIntervalMs(long ms) {
    this.heartbeatIntervalMs = positive(ms, "heartbeatIntervalMs");
    return this;
  }

  public boolean isRequireEncryption() {
    return requireEncryption;
  }

  /** Refuse a server that answers connected without serverPublicKey/salt. True by default. */
  public EncryptedWebSocketClientOptions setRequireEncryption(boolean requireEncryption) {
    this.requireEncryption = requireEncryption;
    return this;
  }

  private static long positive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return value;
  }
}
