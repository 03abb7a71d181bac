package switchboard.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The metrics every service reports, tagged {@code service=<name>}: open connections, frames in and out,
 * errors by code, closes by code and handshake time. Exported at the management server's /metrics.
 */
public final class ServiceMetrics {

  private final MeterRegistry registry;
  private final String service;
  private final AtomicInteger connections = new AtomicInteger();
  private final Counter messagesIn;
  private final Counter messagesOut;
  private final Timer handshakes;
  private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, Counter> closes = new ConcurrentHashMap<>();

  public ServiceMetrics(MeterRegistry registry, String service) {
    this.registry = registry;
    this.service = service;
    registry.gauge("switchboard.connections", io.micrometer.core.instrument.Tags.of("service", service), connections);
    this.messagesIn = Counter.builder("switchboard.messages.in").tag("service", service).register(registry);
    this.messagesOut = Counter.builder("switchboard.messages.out").tag("service", service).register(registry);
    this.handshakes = Timer.builder("switchboard.handshake").tag("service", service).register(registry);
  }

  public String service() {
    return service;
  }

  public void connectionOpened() {
    connections.incrementAndGet();
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  public int openConnections() {
    return connections.get();
  }

  public void messageIn() {
    messagesIn.increment();
  }

  public void messageOut() {
    messagesOut.increment();
  }

  /** Counts an error sent to (or caused by) a client, by its protocol code. */
  public void error(String code) {
    errors.computeIfAbsent(code, c -> Counter.builder("switchboard.errors")
        .tag("service", service).tag("code", c).register(registry)).increment();
  }

  public void closed(int code) {
    closes.computeIfAbsent(code, c -> Counter.builder("switchboard.closes")
        .tag("service", service).tag("code", Integer.toString(c)).register(registry)).increment();
  }

  public void handshake(long nanos) {
    handshakes.record(nanos, TimeUnit.NANOSECONDS);
  }
}
