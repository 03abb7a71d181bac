package switchboard.management;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.bus.Addresses;
import switchboard.platform.Platform;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * This node's figures for the operator console: per service, open connections, messages in and out (totals
 * and rates), sampled from the metrics registry every {@value #SAMPLE_MS} ms; the last {@value #HISTORY}
 * samples are kept for the console's charts. Answers {@link Addresses#managementNodeStats} so that any node's
 * console can show every member. Confined to the management verticle's event loop.
 */
final class NodeStats {

  static final long SAMPLE_MS = 2000;
  static final int HISTORY = 90;

  private final Vertx vertx;
  private final Platform platform;
  private final MeterRegistry registry;
  private final ArrayDeque<JsonObject> history = new ArrayDeque<>();
  private final Map<String, double[]> previousCounts = new HashMap<>();
  private JsonObject current = new JsonObject();
  private long previousAt;
  private long timer;
  private MessageConsumer<JsonObject> consumer;

  NodeStats(Vertx vertx, Platform platform, MeterRegistry registry) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.platform = Objects.requireNonNull(platform, "platform");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  Future<Void> start() {
    sample();
    timer = vertx.setPeriodic(SAMPLE_MS, id -> sample());
    consumer = vertx.eventBus().consumer(Addresses.managementNodeStats(platform.nodeId()), msg -> msg.reply(snapshot()));
    return consumer.completion();
  }

  Future<Void> stop() {
    vertx.cancelTimer(timer);
    return consumer.unregister();
  }

  /** {@code {node, services: {name: {connections, messagesIn, messagesOut, inPerSec, outPerSec}}, history}}. */
  JsonObject snapshot() {
    JsonObject services = new JsonObject();
    current.forEach(e -> {
      JsonObject service = ((JsonObject) e.getValue()).copy();
      // connections are read live; the rates are those of the last sampling interval
      service.put("connections", connections(e.getKey()));
      services.put(e.getKey(), service);
    });
    return new JsonObject().put("node", platform.nodeId()).put("sampleMs", SAMPLE_MS)
        .put("services", services).put("history", new JsonArray(List.copyOf(history)));
  }

  private void sample() {
    long now = System.currentTimeMillis();
    double seconds = previousAt == 0 ? 0 : (now - previousAt) / 1000.0;
    JsonObject services = new JsonObject();
    long totalConnections = 0;
    double totalIn = 0;
    double totalOut = 0;
    for (String service : List.copyOf(platform.running().keySet())) {
      double in = count("switchboard.messages.in", service);
      double out = count("switchboard.messages.out", service);
      double[] previous = previousCounts.put(service, new double[] {in, out});
      double inRate = previous == null || seconds == 0 ? 0 : Math.max(0, in - previous[0]) / seconds;
      double outRate = previous == null || seconds == 0 ? 0 : Math.max(0, out - previous[1]) / seconds;
      long connections = connections(service);
      services.put(service, new JsonObject().put("connections", connections).put("messagesIn", (long) in)
          .put("messagesOut", (long) out).put("inPerSec", round(inRate)).put("outPerSec", round(outRate)));
      totalConnections += connections;
      totalIn += inRate;
      totalOut += outRate;
    }
    previousAt = now;
    current = services;
    history.addLast(new JsonObject().put("t", now).put("connections", totalConnections)
        .put("inPerSec", round(totalIn)).put("outPerSec", round(totalOut)));
    while (history.size() > HISTORY) {
      history.removeFirst();
    }
  }

  private long connections(String service) {
    Gauge gauge = registry.find("switchboard.connections").tag("service", service).gauge();
    return gauge == null ? 0 : (long) gauge.value();
  }

  private double count(String name, String service) {
    Counter counter = registry.find(name).tag("service", service).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double round(double rate) {
    return Math.round(rate * 10) / 10.0;
  }
}
