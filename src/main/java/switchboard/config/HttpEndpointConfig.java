package switchboard.config;

import java.util.List;

/**
 * Where a service's HTTP server listens and who may open WebSockets on it.
 *
 * @param host           bind address, "0.0.0.0" by default
 * @param port           TCP port; 0 picks a free one (tests)
 * @param tls            wss/https from PEM files
 * @param allowedOrigins Origin header values accepted on WebSocket upgrades; empty accepts any (configured as
 *                       {@code []}, or stated explicitly as {@code ["*"]}, which the prod profile requires)
 */
public record HttpEndpointConfig(String host, int port, TlsConfig tls, List<String> allowedOrigins, int instances) {

  /** The allow-list entry that states "any origin". */
  public static final String ANY_ORIGIN = "*";
  /** Sets the default of every service's {@code instances}. */
  public static final String INSTANCES_ENV = "SWITCHBOARD_INSTANCES";
  static final int MAX_INSTANCES = 256;

  public HttpEndpointConfig(String host, int port, TlsConfig tls, List<String> allowedOrigins) {
    this(host, port, tls, allowedOrigins, 1);
  }

  public static HttpEndpointConfig read(ConfigReader r, int defaultPort) {
    return new HttpEndpointConfig(
        r.string("host", "0.0.0.0"),
        r.port("port", defaultPort),
        TlsConfig.read(r.section("tls")),
        origins(r),
        r.integer("instances", defaultInstances(), 1, MAX_INSTANCES));
  }

  /**
   * One instance per core, so every event loop serves connections; {@code SWITCHBOARD_INSTANCES} overrides
   * it for every service at once (how the suite runs with 1 and with 4).
   */
  static int defaultInstances() {
    String env = System.getenv(INSTANCES_ENV);
    if (env == null || env.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int n = Integer.parseInt(env.trim());
      if (n >= 1 && n <= MAX_INSTANCES) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(INSTANCES_ENV, "must be an integer from 1 to " + MAX_INSTANCES + ", was '" + env + "'");
  }

  /** True when the section states {@code "allowedOrigins": ["*"]}: any origin, on purpose. */
  public static boolean statesAnyOrigin(ConfigReader r) {
    return r.strings("allowedOrigins", List.of()).equals(List.of(ANY_ORIGIN));
  }

  private static List<String> origins(ConfigReader r) {
    List<String> origins = r.strings("allowedOrigins", List.of());
    if (origins.contains(ANY_ORIGIN)) {
      if (origins.size() > 1) {
        throw r.invalid("allowedOrigins", "\"*\" accepts any origin and cannot be combined with others");
      }
      return List.of();
    }
    return origins;
  }

  /** The URL a client on this machine uses: ws/wss or http/https, the bind host (localhost for 0.0.0.0). */
  public String url(boolean webSocket, int actualPort, String path) {
    String where = host.equals("0.0.0.0") ? "localhost" : host;
    return scheme(webSocket) + "://" + where + ":" + actualPort + path;
  }

  public String scheme(boolean webSocket) {
    if (webSocket) {
      return tls.enabled() ? "wss" : "ws";
    }
    return tls.enabled() ? "https" : "http";
  }
}
