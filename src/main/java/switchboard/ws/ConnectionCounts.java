package switchboard.ws;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open WebSockets of one service on this node, in total and per client IP, against which the
 * connection limits are checked. A service with one instance per event loop gives all its endpoints the
 * same counts, so the limits hold for the node and not per loop; the counts are atomic for that reason,
 * and are touched once per upgrade and once per close, never per message.
 */
public final class ConnectionCounts {

  private final AtomicInteger total = new AtomicInteger();
  private final Map<String, Integer> perIp = new ConcurrentHashMap<>();

  /**
   * Counts a connection from {@code ip} if the limits allow it (0 means unlimited). Answers 0 when counted,
   * 503 when the node is full, 429 when {@code ip} is at its limit; nothing is counted then.
   */
  int tryAcquire(String ip, int maxTotal, int maxPerIp) {
    if (maxTotal > 0) {
      int now;
      do {
        now = total.get();
        if (now >= maxTotal) {
          return 503;
        }
      } while (!total.compareAndSet(now, now + 1));
    } else {
      total.incrementAndGet();
    }
    boolean[] refused = {false};
    perIp.compute(ip, (k, n) -> {
      int current = n == null ? 0 : n;
      if (maxPerIp > 0 && current >= maxPerIp) {
        refused[0] = true;
        return n;
      }
      return current + 1;
    });
    if (refused[0]) {
      total.decrementAndGet();
      return 429;
    }
    return 0;
  }

  void release(String ip) {
    total.decrementAndGet();
    perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
  }
}
