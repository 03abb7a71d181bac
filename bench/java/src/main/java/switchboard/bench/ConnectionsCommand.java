package switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.concurrent.Callable;

/**
 * connections: holds N idle authenticated connections and reports the server's memory per connection
 * (heap after a full GC and direct buffers from its metrics for Switchboard, RSS for every server), and
 * with {@code --histogram} the server JVM's live objects per class before and after, per connection.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
    description = "Hold N idle authenticated connections; server memory per connection.")
public final class ConnectionsCommand implements Callable<Integer> {

  @Mixin
  CommonOptions common;

  @Option(names = "--target", required = true, description = "signal or socketio")
  FanoutCommand.Target target;

  @Option(names = "--ws", required = true, description = "WebSocket URL")
  URI ws;

  @Option(names = "--clients", description = "connections to hold (default ${DEFAULT-VALUE})")
  int clients = 1000;

  @Option(names = "--connect-concurrency", description = "handshakes in flight (default ${DEFAULT-VALUE})")
  int connectConcurrency = 128;

  @Option(names = "--jvm", description = "the server is a JVM: full GC with jcmd before each reading")
  boolean jvm;

  @Option(names = "--metrics", description = "the server's Prometheus endpoint (heap and direct memory)")
  URI metrics;

  @Option(names = "--histogram", description = "the server is a JVM: diff its class histograms (jcmd GC.class_histogram) per connection")
  boolean histogram;

  @Option(names = "--top-classes", description = "classes listed from the histogram diff (default ${DEFAULT-VALUE})")
  int topClasses = 25;

  @Option(names = "--settle", description = "seconds to wait with every connection idle before reading (default ${DEFAULT-VALUE})")
  int settleSeconds = 3;

  @Override
  public Integer call() throws Exception {
    if (common.serverPids.size() != 1) {
      throw new IllegalArgumentException("connections needs exactly one --server-pid");
    }
    ServerMemory memory = new ServerMemory(common.serverPids.get(0), jvm, metrics);
    Vertx vertx = Vertx.vertx();
    Deliveries deliveries = new Deliveries();
    Targets targets = new Targets(vertx, Targets.jwtSecret(), Targets.ecdhInfo());
    JsonObject result = new JsonObject().put("scenario", "connections").put("target", target.name())
        .put("label", common.label != null ? common.label : target.name()).put("clients", clients);
    try (NettyWsClient client = common.client()) {
      Map<String, ServerMemory.ClassUse> classesBefore = histogram ? memory.histogram() : null;
      ServerMemory.Reading before = memory.read();
      long cpu0 = common.serverCpu().micros();
      // Two halves, with a reading between them: the second half's growth is the marginal cost of a
      // connection, free of what the first connections paid once (JIT-compiled code, pools, tables).
      int firstHalf = clients / 2;
      IntFunction<SessionPool.Spec> specFor = i -> switch (target) {
        case signal -> new SessionPool.Spec(ws, null, targets.signal(i, deliveries, false));
        case socketio -> new SessionPool.Spec(ws.resolve(SocketIoSession.PATH), null, new SocketIoSession(deliveries));
      };
      Duration limit = Duration.ofSeconds(Math.max(30, common.timeLimitSeconds / 2));
      SessionPool.Opened first = SessionPool.open(client, firstHalf, connectConcurrency, limit, specFor);
      long cpuFirst = common.serverCpu().micros() - cpu0;
      Thread.sleep(settleSeconds * 1000L);
      ServerMemory.Reading middle = memory.read();
      long aliveAtMiddle = first.alive();
      long cpuMiddle = common.serverCpu().micros();
      SessionPool.Opened second = SessionPool.open(client, clients - firstHalf, connectConcurrency, limit,
          i -> specFor.apply(firstHalf + i));
      List<BenchSession> all = new ArrayList<>(first.sessions());
      all.addAll(second.sessions());
      SessionPool.Opened opened = new SessionPool.Opened(all, first.failures() + second.failures(),
          first.firstFailure() != null ? first.firstFailure() : second.firstFailure(), first.seconds() + second.seconds());
      long connectCpu = cpuFirst + common.serverCpu().micros() - cpuMiddle;
      Thread.sleep(settleSeconds * 1000L);
      ServerMemory.Reading after = memory.read();
      long alive = opened.alive();
      if (histogram) {
        histogramDiff(result, classesBefore, memory.histogram(), alive);
      }
      result.put("connected", opened.sessions().size()).put("alive", alive)
          .put("connectFailures", opened.failures()).put("connectSeconds", Results.round(opened.seconds()))
          .put("connectsPerSecond", Math.round(opened.sessions().size() / Math.max(0.001, opened.seconds())))
          .put("serverUsPerConnect", opened.sessions().isEmpty() ? 0
              : Results.round((double) connectCpu / opened.sessions().size()))
          .put("before", reading(before)).put("after", reading(after))
          .put("rssPerConnectionKiB", perConnection(before.rss(), after.rss(), alive))
          .put("middle", reading(middle)).put("aliveAtMiddle", aliveAtMiddle)
          .put("marginalRssPerConnectionKiB", perConnection(middle.rss(), after.rss(), alive - aliveAtMiddle))
          .put("closes", FanoutCommand.closes(deliveries));
      if (opened.firstFailure() != null) {
        result.put("firstConnectFailure", opened.firstFailure());
      }
      if (before.heap() >= 0) {
        result.put("heapPerConnectionKiB", perConnection(before.heap(), after.heap(), alive))
            .put("marginalHeapPerConnectionKiB", perConnection(middle.heap(), after.heap(), alive - aliveAtMiddle));
      }
      if (before.direct() >= 0) {
        result.put("directPerConnectionKiB", perConnection(before.direct(), after.direct(), alive));
      }
      SessionPool.closeAll(all);
    } finally {
      vertx.close().await();
    }
    Results.write(common.out, result);
    return 0;
  }

  /**
   * Live heap per connection from the class histograms (after a full GC each), and the classes that
   * grew the most, per connection.
   */
  private void histogramDiff(JsonObject result, Map<String, ServerMemory.ClassUse> before,
                             Map<String, ServerMemory.ClassUse> after, long alive) {
    if (alive == 0) {
      return;
    }
    ServerMemory.ClassUse none = new ServerMemory.ClassUse(0, 0);
    long total = 0;
    for (var e : after.entrySet()) {
      total += e.getValue().bytes() - before.getOrDefault(e.getKey(), none).bytes();
    }
    for (var e : before.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        total -= e.getValue().bytes();
      }
    }
    JsonArray top = new JsonArray();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), new ServerMemory.ClassUse(
            e.getValue().instances() - before.getOrDefault(e.getKey(), none).instances(),
            e.getValue().bytes() - before.getOrDefault(e.getKey(), none).bytes())))
        .sorted(Comparator.comparingLong((Map.Entry<String, ServerMemory.ClassUse> e) -> e.getValue().bytes()).reversed())
        .limit(topClasses)
        .forEach(e -> top.add(new JsonObject().put("class", e.getKey())
            .put("instancesPerConnection", Results.round((double) e.getValue().instances() / alive))
            .put("bytesPerConnection", Results.round((double) e.getValue().bytes() / alive))));
    result.put("liveHeapPerConnectionKiB", Results.round(total / 1024.0 / alive)).put("heapByClass", top);
  }

  private static JsonObject reading(ServerMemory.Reading r) {
    return new JsonObject().put("rss", r.rss()).put("heap", r.heap()).put("direct", r.direct());
  }

  private static double perConnection(long before, long after, long alive) {
    return alive == 0 ? 0 : Results.round((after - before) / 1024.0 / alive);
  }
}
