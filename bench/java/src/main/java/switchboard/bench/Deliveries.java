package switchboard.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the subscribers of one run received: a delivery count, publish→receive latency (µs) of the
 * messages whose send time falls in the recording window, and the close codes of connections that ended.
 * Written from every client event-loop thread.
 */
public final class Deliveries {

  private final LongAdder count = new LongAdder();
  private final Recorder latency = new Recorder(3);
  private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();
  private final LongAdder protocolErrors = new LongAdder();
  private volatile long recordFrom = Long.MAX_VALUE;
  private volatile long recordUntil = Long.MIN_VALUE;

  /** One message arrived; {@code text} holds its payload. */
  public void delivered(String text) {
    count.increment();
    long from = recordFrom;
    long now = Payload.nowMicros();
    if (from != Long.MAX_VALUE) {
      long sent = Payload.sentAt(text);
      if (sent >= from && sent <= recordUntil) {
        latency.recordValue(Math.max(0, now - sent));
      }
    }
  }

  public void closed(int code) {
    closes.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  /** A frame the client did not expect (an error event, a frame it could not decrypt). */
  public void protocolError() {
    protocolErrors.increment();
  }

  public long count() {
    return count.sum();
  }

  public long protocolErrors() {
    return protocolErrors.sum();
  }

  /** Record latency of messages stamped between the two times (µs, {@link Payload#nowMicros()}). */
  public void recordWindow(long fromMicros, long untilMicros) {
    latency.reset();
    recordUntil = untilMicros;
    recordFrom = fromMicros;
  }

  public Histogram takeLatency() {
    recordFrom = Long.MAX_VALUE;
    return latency.getIntervalHistogram();
  }

  /** Close code → number of connections that ended with it. */
  public Map<Integer, Long> closes() {
    Map<Integer, Long> out = new TreeMap<>();
    closes.forEach((code, n) -> out.put(code, n.sum()));
    return out;
  }

  public long closedCount() {
    return closes.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
