package switchboard.ws;

import java.util.HashMap;
import java.util.Map;

/**
 * Open WebSockets of one service on this node, in total and per client address, counted against its limits.
 * A service running one endpoint per event loop gives them all the same counts, so the limits hold for the
 * node, not for each loop. Thread-safe; taken only when a connection opens or closes.
 */
public final class ConnectionCounts {

  private final Map<String, Integer> perIp = new HashMap<>();
  private int total;

  /**
   * Counts a new connection from {@code ip} if the limits allow it (0: unlimited); answers 0 when counted,
   * 503 when the node is full, 429 when the address has its share.
   */
  synchronized int tryAcquire(String ip, int maxPerIp, int maxTotal) {
    if (maxTotal > 0 && total >= maxTotal) {
      return 503;
    }
    int fromIp = perIp.getOrDefault(ip, 0);
    if (maxPerIp > 0 && fromIp >= maxPerIp) {
      return 429;
    }
    total++;
    perIp.put(ip, fromIp + 1);
    return 0;
  }

  synchronized void release(String ip) {
    total--;
    perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
  }
}
