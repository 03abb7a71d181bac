package switchboard.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Opens many sessions with a bounded number of handshakes in flight and a deadline, keeping the ones that
 * became ready; it stops early once failures pass 1 % (the server is refusing, no point hammering it).
 */
public final class SessionPool {

  /** Where session {@code i} connects and with what protocol. */
  public record Spec(URI uri, String subprotocols, BenchSession session) {
  }

  /** The outcome: sessions that are ready, failures, the first failure's reason and the time it took. */
  public record Opened(List<BenchSession> sessions, int failures, String firstFailure, double seconds) {

    public long alive() {
      return sessions.stream().filter(s -> s.link() != null && s.link().isOpen()).count();
    }
  }

  private SessionPool() {
  }

  public static Opened open(NettyWsClient client, int count, int concurrency, Duration limit, IntFunction<Spec> specFor)
      throws InterruptedException {
    Semaphore permits = new Semaphore(concurrency);
    List<BenchSession> ready = Collections.synchronizedList(new ArrayList<>(count));
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    ConcurrentHashMap.KeySetView<Integer, Boolean> pending = ConcurrentHashMap.newKeySet();
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    for (int i = 0; i < count; i++) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS) || failures.get() > Math.max(10, count / 100)) {
        break;
      }
      Spec spec = specFor.apply(i);
      int id = i;
      pending.add(id);
      client.connect(spec.uri(), spec.subprotocols(), spec.session())
          .thenCompose(link -> spec.session().ready())
          .orTimeout(30, TimeUnit.SECONDS)
          .whenComplete((s, err) -> {
            if (err == null) {
              ready.add(s);
            } else {
              failures.incrementAndGet();
              firstFailure.compareAndSet(null, String.valueOf(err.getMessage()));
              spec.session().close();
            }
            pending.remove(id);
            permits.release();
          });
    }
    long left = deadline - System.nanoTime();
    permits.tryAcquire(concurrency, Math.max(0, left), TimeUnit.NANOSECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    synchronized (ready) {
      return new Opened(new ArrayList<>(ready), failures.get() + pending.size(), firstFailure.get(), seconds);
    }
  }

  public static void closeAll(List<BenchSession> sessions) {
    sessions.forEach(BenchSession::close);
  }
}
