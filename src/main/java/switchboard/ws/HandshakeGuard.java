package switchboard.ws;

import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import switchboard.platform.ServiceMetrics;

import java.util.List;
import java.util.Set;

/**
 * Decides whether a WebSocket upgrade may proceed: origin allow-list, per-IP and total connection limits.
 * The limits count the service's connections on the whole node ({@link ConnectionCounts}); the rest is
 * confined to the endpoint's event loop.
 */
final class HandshakeGuard {

  private final Set<String> allowedOrigins;
  private final int maxPerIp;
  private final int maxTotal;
  private final ConnectionCounts counts;
  private String perIpRefusalFrame;
  private int perIpRefusalCloseCode;

  HandshakeGuard(List<String> allowedOrigins, int maxPerIp, int maxTotal, ConnectionCounts counts) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.maxPerIp = maxPerIp;
    this.maxTotal = maxTotal;
    this.counts = counts;
  }

  private boolean originAllowed(ServerWebSocketHandshake handshake) {
    if (allowedOrigins.isEmpty()) {
      return true;
    }
    String origin = handshake.headers().get("Origin");
    return origin != null && allowedOrigins.contains(origin);
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
   * Admits an upgrade on one of {@code paths}, or rejects it: 404 for another path, 403 for an origin not
   * allowed, 503 when the node is full, 429 over the per-IP limit. An accepted socket is counted against the
   * limits; report its close with {@link #released}. Answers the accepted socket, or fails when the upgrade
   * was rejected or did not complete.
   */
  Future<ServerWebSocket> admit(ServerWebSocketHandshake handshake, Set<String> paths, ServiceMetrics metrics) {
    String ip = ip(handshake);
    int status;
    if (!paths.contains(handshake.path())) {
      status = 404;
    } else if (!originAllowed(handshake)) {
      status = 403;
    } else {
      status = counts.tryAcquire(ip, maxTotal, maxPerIp);
    }
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
    return handshake.accept().onFailure(err -> released(ip));
  }

  static String ip(ServerWebSocketHandshake handshake) {
    return handshake.remoteAddress() == null ? "unknown" : handshake.remoteAddress().hostAddress();
  }

  void released(String ip) {
    counts.release(ip);
  }
}
