package switchboard.config;

import java.util.List;

/**
 * Where a service's HTTP server listens and who may open WebSockets on it.
 *
 * @param host           bind address, "0.0.0.0" by default
 * @param port           TCP port; 0 picks a free one (tests)
 * @param tls            wss/https from PEM files
 * @param allowedOrigins Origin header values accepted on WebSocket upgrades; empty accepts any
 */
public record HttpEndpointConfig(String host, int port, TlsConfig tls, List<String> allowedOrigins) {

  public static HttpEndpointConfig read(ConfigReader r, int defaultPort) {
    return new HttpEndpointConfig(
        r.string("host", "0.0.0.0"),
        r.port("port", defaultPort),
        TlsConfig.read(r.section("tls")),
        r.strings("allowedOrigins", List.of()));
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
