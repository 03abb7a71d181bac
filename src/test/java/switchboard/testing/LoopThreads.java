package switchboard.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A system clock that records which event-loop threads read it. A service reads the clock it was given on
 * the loop that serves a connection (checking a token's expiry, a signed message's deadline), so a test can
 * tell on which loop a connection landed without any hook in the service.
 */
public final class LoopThreads extends Clock {

  private final Queue<String> reads = new ConcurrentLinkedQueue<>();

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("always UTC");
  }

  @Override
  public Instant instant() {
    String thread = Thread.currentThread().getName();
    if (thread.startsWith("vert.x-eventloop-thread-")) {
      reads.add(thread);
    }
    return Instant.now();
  }

  /** The event-loop threads that read the clock since the last call, in order, and forgets them. */
  public List<String> drain() {
    List<String> out = new ArrayList<>();
    for (String thread; (thread = reads.poll()) != null; ) {
      out.add(thread);
    }
    return out;
  }
}
