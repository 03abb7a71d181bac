package switchboard.webflow;

import switchboard.config.ConfigReader;
import switchboard.config.HttpEndpointConfig;
import switchboard.platform.ServiceConfig;

import java.time.Duration;

/**
 * The Web Flow service's configuration (section {@code webflow}); defaults are filled in here only.
 *
 * @param enabled                 false switches the service off
 * @param http                    bind address, port (8081), TLS and the Origin allow-list of upgrades
 * @param path                    the STOMP-over-WebSocket endpoint ("/websocket")
 * @param registrationDestination the application destination a client SENDs its webSocketId to
 * @param registrationTopic       the user destination the registration reply goes to
 * @param authorizationTopic      the user destination authorization notifications go to
 * @param registrationTtl         how long a webSocketId → session mapping lives unless re-registered (1 h)
 * @param refuseTakeover          false (default): latest wins, a registration moves the webSocketId from the
 *                                session that held it, which gets an ERROR and is closed; true: the newer
 *                                registration is refused with ERROR instead
 * @param maxRegistrationsPerSession webSocketIds one STOMP session may register (8)
 * @param pendingTtl              how long a notification for an unregistered webSocketId is held (5 min)
 * @param maxPendingPerId         notifications held per webSocketId (16); the newest beyond is refused
 * @param maxPending              notifications held cluster-wide (100,000)
 * @param deliveryTimeout         how long to wait for another node to deliver (5 s)
 * @param stomp                   frame, subscription, rate and heart-beat limits
 * @param login                   CONNECT login required when non-empty (with passcode)
 * @param passcode                CONNECT passcode required when login is set
 */
public record WebFlowConfig(boolean enabled, HttpEndpointConfig http, String path,
                            String registrationDestination, String registrationTopic, String authorizationTopic,
                            Duration registrationTtl, boolean refuseTakeover, int maxRegistrationsPerSession,
                            Duration pendingTtl, int maxPendingPerId, int maxPending, Duration deliveryTimeout,
                            StompLimits stomp, String login, String passcode) implements ServiceConfig {

  public static final int DEFAULT_PORT = 8081;

  /**
   * Per-connection STOMP limits (section {@code webflow.stomp}).
   *
   * @param maxBodyBytes        largest frame body (4 KiB); bigger → ERROR
   * @param maxHeaderBytes      largest header name+value (1 KiB)
   * @param maxHeaders          headers per frame (32)
   * @param maxFrameBytes       largest frame on the wire, headers included (16 KiB); bigger → ERROR; the
   *                            WebSocket decoder also cuts single messages at twice this with 1009
   * @param maxSubscriptions    SUBSCRIBEs held by one session (8)
   * @param messagesPerSecond   frames a session may send per second, heart-beats excluded (20)
   * @param burst               token-bucket size (40)
   * @param heartbeatMs         heart-beat period the server offers both ways (10 s; 0 = none)
   * @param connectTimeoutMs    a socket that has not sent CONNECT by then gets an ERROR and is closed (10 s)
   * @param maxConnectionsPerIp concurrent WebSockets from one address (100; 0 = unlimited)
   * @param maxConnections      concurrent WebSockets on this node (0 = unlimited)
   * @param compression         offer permessage-deflate (off); when on, inflation stops at a WebSocket message
   */
  public record StompLimits(int maxBodyBytes, int maxHeaderBytes, int maxHeaders, int maxFrameBytes,
                            int maxSubscriptions, int messagesPerSecond, int burst, long heartbeatMs, long connectTimeoutMs,
                            int maxConnectionsPerIp, int maxConnections, boolean compression) {

    static StompLimits read(ConfigReader r) {
      int body = r.integer("maxBodyBytes", 4096, 64, 1024 * 1024);
      int frame = r.integer("maxFrameBytes", 16 * 1024, 256, 4 * 1024 * 1024);
      if (frame < body) {
        throw r.invalid("maxFrameBytes", "must be at least maxBodyBytes (" + body + ")");
      }
      return new StompLimits(body,
          r.integer("maxHeaderBytes", 1024, 64, 64 * 1024),
          r.integer("maxHeaders", 32, 4, 1000),
          frame,
          r.integer("maxSubscriptions", 8, 2, 1000),
          r.integer("messagesPerSecond", 20, 1, 1_000_000),
          r.integer("burst", 40, 1, 1_000_000),
          r.longValue("heartbeatMs", 10_000, 0, 3_600_000),
          r.longValue("connectTimeoutMs", 10_000, 100, 600_000),
          r.integer("maxConnectionsPerIp", 100, 0, 1_000_000),
          r.integer("maxConnections", 0, 0, 10_000_000),
          r.bool("compression", false));
    }
  }

  public static WebFlowConfig read(ConfigReader r) {
    String login = r.string("login", "");
    String passcode = r.string("passcode", "");
    if (!login.isEmpty() && passcode.isEmpty()) {
      throw r.invalid("passcode", "is required when login is set");
    }
    return new WebFlowConfig(
        r.bool("enabled", true),
        HttpEndpointConfig.read(r, DEFAULT_PORT),
        destination(r, "path", "/websocket"),
        destination(r, "registrationDestination", "/app/registration"),
        destination(r, "registrationTopic", "/user/topic/registration"),
        destination(r, "authorizationTopic", "/user/topic/authorization"),
        r.millis("registrationTtlMs", 3_600_000, 1_000, 7L * 86_400_000),
        r.bool("refuseTakeover", false),
        r.integer("maxRegistrationsPerSession", 8, 1, 1000),
        r.millis("pendingTtlMs", 300_000, 1_000, 86_400_000),
        r.integer("maxPendingPerId", 16, 1, 1000),
        r.integer("maxPending", 100_000, 1, 100_000_000),
        r.millis("deliveryTimeoutMs", 5_000, 100, 60_000),
        StompLimits.read(r.section("stomp")),
        login,
        passcode);
  }

  private static String destination(ConfigReader r, String key, String defaultValue) {
    String value = r.string(key, defaultValue);
    if (!value.startsWith("/") || value.length() > 200 || value.chars().anyMatch(c -> c <= ' ' || c == ':')) {
      throw r.invalid(key, "must be a path starting with '/' without spaces or ':'");
    }
    return value;
  }

  public boolean credentialsRequired() {
    return !login.isEmpty();
  }
}
