package switchboard.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * Drives a publisher against a set of subscribers in two phases, each bounded in time:
 * <ul>
 *   <li>{@link #saturate}: publish as fast as the server delivers, with at most {@code window}
 *   deliveries outstanding, and measure deliveries/s over the window after a warm-up;</li>
 *   <li>{@link #paced}: publish open-loop at a fixed rate and record publish→receive latency from each
 *   message's intended send time (so a stalled publisher cannot hide latency).</li>
 * </ul>
 * Server and generator CPU are read over the same measured window.
 */
public final class LoadDriver {

  /** Most publishes a paced run keeps unanswered before it stops as overloaded. */
  private static final int PACED_MAX_INFLIGHT = 20_000;
  private static final Duration DRAIN = Duration.ofSeconds(5);

  /** A measured window. */
  public record Window(double seconds, long deliveries, long publishes, long serverCpuMicros, long serverJitMicros,
                       long generatorCpuMicros, long publishErrors, String firstError) {

    public double deliveriesPerSecond() {
      return seconds <= 0 ? 0 : deliveries / seconds;
    }

    public double publishesPerSecond() {
      return seconds <= 0 ? 0 : publishes / seconds;
    }

    /** Server CPU per delivery, µs (NaN without a server pid or deliveries). */
    public double serverMicrosPerDelivery() {
      return serverCpuMicros <= 0 || deliveries == 0 ? Double.NaN : (double) serverCpuMicros / deliveries;
    }

    /** Of {@link #serverMicrosPerDelivery()}, what the servers' JIT compiler threads took, µs. */
    public double serverJitMicrosPerDelivery() {
      return serverCpuMicros <= 0 || deliveries == 0 ? Double.NaN : (double) serverJitMicros / deliveries;
    }

    public double generatorMicrosPerDelivery() {
      return deliveries == 0 ? Double.NaN : (double) generatorCpuMicros / deliveries;
    }
  }

  /** A paced run: its window, the latency histogram (µs) and how many stamped deliveries were expected. */
  public record Paced(double publishRate, Window window, Histogram latency, long expected, boolean overloaded) {
  }

  private final Publisher publisher;
  private final Deliveries deliveries;
  private final IntSupplier fanout;
  private final ProcessCpu serverCpu;
  private final AtomicInteger inflight = new AtomicInteger();
  private final AtomicLong publishErrors = new AtomicLong();
  private final AtomicLong expected = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private long seq;

  /**
   * @param fanout deliveries one publish makes (the live subscribers, or 1 for a targeted message)
   */
  public LoadDriver(Publisher publisher, Deliveries deliveries, IntSupplier fanout, ProcessCpu serverCpu) {
    this.publisher = publisher;
    this.deliveries = deliveries;
    this.fanout = fanout;
    this.serverCpu = serverCpu;
  }

  private void publish(long stampMicros) {
    int n = fanout.getAsInt();
    expected.addAndGet(n);
    inflight.incrementAndGet();
    publisher.publish(seq++, Payload.of(stampMicros)).whenComplete((ok, err) -> {
      inflight.decrementAndGet();
      if (err != null) {
        expected.addAndGet(-n);
        publishErrors.incrementAndGet();
        firstError.compareAndSet(null, String.valueOf(err.getMessage()));
      }
    });
  }

  private long outstanding(long base) {
    return expected.get() - (deliveries.count() - base);
  }

  /** Snapshot of the counters at one instant. */
  private record Mark(long nanos, long deliveries, long publishes, long serverCpu, long serverJit, long generatorCpu,
                      long errors) {
  }

  private Mark mark() {
    return new Mark(System.nanoTime(), deliveries.count(), seq, serverCpu.micros(), serverCpu.jitMicros(),
        ProcessCpu.selfMicros(), publishErrors.get());
  }

  private Window between(Mark a, Mark b) {
    return new Window((b.nanos - a.nanos) / 1e9, b.deliveries - a.deliveries, b.publishes - a.publishes,
        b.serverCpu - a.serverCpu, Math.max(0, b.serverJit - a.serverJit), b.generatorCpu - a.generatorCpu,
        b.errors - a.errors, firstError.get());
  }

  /**
   * Publishes as fast as deliveries complete, keeping at most {@code window} deliveries and
   * {@code maxInflight} publishes outstanding.
   */
  public Window saturate(Duration warmup, Duration measure, long window, int maxInflight) {
    expected.set(0);
    long base = deliveries.count();
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    Mark from = null;
    long now;
    while ((now = System.nanoTime()) < end) {
      if (from == null && now >= measureFrom) {
        from = mark();
      }
      if (outstanding(base) < window && inflight.get() < maxInflight) {
        publish(Payload.nowMicros());
      } else {
        LockSupport.parkNanos(50_000);
      }
    }
    Window result = between(from == null ? mark() : from, mark());
    drain(base);
    return result;
  }

  /** Publishes {@code rate} messages per second for warm-up plus measure; records latency over measure. */
  public Paced paced(double rate, Duration warmup, Duration measure) {
    expected.set(0);
    long base = deliveries.count();
    double interval = 1e9 / rate;
    long start = System.nanoTime() + 1_000_000;
    long measureFrom = start + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    deliveries.recordWindow(Payload.micros(measureFrom), Payload.micros(end));
    Mark from = null;
    long stampedExpected = 0;
    boolean overloaded = false;
    long i = 0;
    while (true) {
      long intended = start + (long) (i * interval);
      if (intended >= end) {
        break;
      }
      long now = System.nanoTime();
      if (from == null && now >= measureFrom) {
        from = mark();
      }
      if (now < intended) {
        LockSupport.parkNanos(Math.min(intended - now, 1_000_000));
        continue;
      }
      if (inflight.get() > PACED_MAX_INFLIGHT) {
        overloaded = true;
        break;
      }
      if (intended >= measureFrom) {
        stampedExpected += fanout.getAsInt();
      }
      publish(Payload.micros(intended));
      i++;
    }
    Mark to = mark();
    Window window = between(from == null ? to : from, to);
    drain(base);
    return new Paced(rate, window, deliveries.takeLatency(), stampedExpected, overloaded);
  }

  /** Waits (bounded) until every expected delivery arrived and every publish was answered. */
  private void drain(long base) {
    long deadline = System.nanoTime() + DRAIN.toNanos();
    while (System.nanoTime() < deadline && (outstanding(base) > 0 || inflight.get() > 0)) {
      LockSupport.parkNanos(2_000_000);
    }
  }

  public long publishErrors() {
    return publishErrors.get();
  }

  public String firstError() {
    return firstError.get();
  }
}
