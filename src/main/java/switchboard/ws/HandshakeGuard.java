package switchboard.ws;

import io.vertx.core.http.ServerWebSocketHandshake;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a WebSocket upgrade may proceed: origin allow-list, per-IP and total connection limits.
 * Confined to one event loop. Answers the HTTP status to reject with, or 0 to accept.
 */
public final class HandshakeGuard {

  private final Set<String> allowedOrigins;
  private final int maxPerIp;
  private final int maxTotal;
  private final Map<String, Integer> perIp = new HashMap<>();
  private int total;

  public HandshakeGuard(List<String> allowedOrigins, int maxPerIp, int maxTotal) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.maxPerIp = maxPerIp;
    this.maxTotal = maxTotal;
  }

  /** The status to reject with (403 origin, 429 per-IP limit, 503 node full), or 0 to accept. */
  public int check(ServerWebSocketHandshake handshake) {
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

  public static String ip(ServerWebSocketHandshake handshake) {
    return handshake.remoteAddress() == null ? "unknown" : handshake.remoteAddress().hostAddress();
  }

  /** Counts an accepted connection; call {@link #released(String)} when it closes. */
  public void acquired(String ip) {
    total++;
    perIp.merge(ip, 1, Integer::sum);
  }

  public void released(String ip) {
    total--;
    perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
  }
}
