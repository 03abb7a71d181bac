package switchboard.ws;

import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import switchboard.platform.ServiceMetrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a WebSocket upgrade may proceed: origin allow-list, per-IP and total connection limits.
 * Confined to one event loop. Answers the HTTP status to reject with, or 0 to accept.
 */
final class HandshakeGuard {

  private final Set<String> allowedOrigins;
  private final int maxPerIp;
  private final int maxTotal;
  private final Map<String, Integer> perIp = new HashMap<>();
  private int total;
  private String perIpRefusalFrame;
  private int perIpRefusalCloseCode;

  HandshakeGuard(List<String> allowedOrigins, int maxPerIp, int maxTotal) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.maxPerIp = maxPerIp;
    this.maxTotal = maxTotal;
  }

  /** The status to reject with (403 origin, 429 per-IP limit, 503 node full), or 0 to accept. */
  int check(ServerWebSocketHandshake handshake) {
    if (!allowedOrigins.isEmpty()) {
      String origin = handshake.headers().get("Origin");
      if (origin == null || !allowedOrigins.contains(origin)) {
        return 403;
      }
    }
    if (maxTotal > 0 && total >= maxTotal) {
      return 503;
    }
    if (maxPerIp > 0 && perIp.getOrDefault(ip(handshake), 0) >= maxPerIp) {
      return 429;
    }
    return 0;
  }

  /**
   * Refuses upgrades over the per-IP limit inside the WebSocket instead of with HTTP 429: the upgrade is
   * accepted (not counted against the limits), {@code frame} is sent and the socket closed with
   * {@code closeCode}, because a browser shows a refused upgrade only as close 1006.
   */
  void refusePerIpLimitWith(String frame, int closeCode) {
    this.perIpRefusalFrame = frame;
    this.perIpRefusalCloseCode = closeCode;
  }

  /**
   * Admits an upgrade on one of {@code paths}, or rejects it: 404 for another path, else {@link #check}'s
   * status. An accepted socket is counted against the limits; report its close with {@link #released}.
   * Answers the accepted socket, or fails when the upgrade was rejected or did not complete.
   */
  Future<ServerWebSocket> admit(ServerWebSocketHandshake handshake, Set<String> paths, ServiceMetrics metrics) {
    int status = paths.contains(handshake.path()) ? check(handshake) : 404;
    if (status == 429 && perIpRefusalFrame != null) {
      metrics.error("HANDSHAKE_" + status);
      return handshake.accept().compose(socket -> {
        socket.writeTextMessage(perIpRefusalFrame);
        return socket.close((short) perIpRefusalCloseCode, "too many connections from this address");
      }).transform(done -> Future.failedFuture("upgrade over the per-IP limit refused in a frame"));
    }
    if (status != 0) {
      metrics.error("HANDSHAKE_" + status);
      handshake.reject(status);
      return Future.failedFuture("upgrade rejected with " + status);
    }
    String ip = ip(handshake);
    acquired(ip);
    return handshake.accept().onFailure(err -> released(ip));
  }

  static String ip(ServerWebSocketHandshake handshake) {
    return handshake.remoteAddress() == null ? "unknown" : handshake.remoteAddress().hostAddress();
  }

  /** Counts an accepted connection; call {@link #released(String)} when it closes. */
  void acquired(String ip) {
    total++;
    perIp.merge(ip, 1, Integer::sum);
  }

  void released(String ip) {
    total--;
    perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
  }
}
