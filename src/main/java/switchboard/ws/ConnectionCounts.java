package switchboard.ws;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open WebSocket connections of one service on this node, in total and per remote IP, shared by the
 * service's instances on every event loop so that its connection limits hold for the node, not per loop.
 * Taking a slot checks and counts in one atomic step, so loops admitting at once never overshoot a limit.
 */
final class ConnectionCounts implements Shareable {

  private static final String MAP = "switchboard.ws.connection-counts";

  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perIp = new ConcurrentHashMap<>();

  /** The counts of {@code service} on this Vert.x instance (a node). */
  static ConnectionCounts of(Vertx vertx, String service) {
    LocalMap<String, ConnectionCounts> counts = vertx.sharedData().getLocalMap(MAP);
    ConnectionCounts fresh = new ConnectionCounts();
    ConnectionCounts existing = counts.putIfAbsent(service, fresh);
    return existing != null ? existing : fresh;
  }

  /**
   * Takes a slot for a connection from {@code ip}: 0 when taken, 503 when the node is full ({@code maxTotal}),
   * 429 when the address has {@code maxPerIp} already; a limit of 0 is no limit.
   */
  int tryAcquire(String ip, int maxTotal, int maxPerIp) {
    int now;
    do {
      now = total.get();
      if (maxTotal > 0 && now >= maxTotal) {
        return 503;
      }
    } while (!total.compareAndSet(now, now + 1));
    boolean[] refused = new boolean[1];
    perIp.compute(ip, (k, n) -> {
      int held = n == null ? 0 : n;
      if (maxPerIp > 0 && held >= maxPerIp) {
        refused[0] = true;
        return n;
      }
      return held + 1;
    });
    if (refused[0]) {
      total.decrementAndGet();
      return 429;
    }
    return 0;
  }

  /** Gives back the slot of a connection from {@code ip}. */
  void release(String ip) {
    total.decrementAndGet();
    perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
  }
}
