package switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * connections: holds N idle authenticated connections and reports the server's memory per connection
 * (heap after a full GC and direct buffers from its metrics for Switchboard, RSS for every server).
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
      ServerMemory.Reading before = memory.read();
      long cpu0 = common.serverCpu().micros();
      SessionPool.Opened opened = SessionPool.open(client, clients, connectConcurrency,
          Duration.ofSeconds(Math.max(30, common.timeLimitSeconds / 2)), i -> switch (target) {
            case signal -> new SessionPool.Spec(ws, null, targets.signal(i, deliveries, false));
            case socketio -> new SessionPool.Spec(ws.resolve(SocketIoSession.PATH), null, new SocketIoSession(deliveries));
          });
      long cpu1 = common.serverCpu().micros();
      Thread.sleep(settleSeconds * 1000L);
      ServerMemory.Reading after = memory.read();
      long alive = opened.alive();
      result.put("connected", opened.sessions().size()).put("alive", alive)
          .put("connectFailures", opened.failures()).put("connectSeconds", Results.round(opened.seconds()))
          .put("connectsPerSecond", Math.round(opened.sessions().size() / Math.max(0.001, opened.seconds())))
          .put("serverUsPerConnect", opened.sessions().isEmpty() ? 0
              : Results.round((double) (cpu1 - cpu0) / opened.sessions().size()))
          .put("before", reading(before)).put("after", reading(after))
          .put("rssPerConnectionKiB", perConnection(before.rss(), after.rss(), alive))
          .put("closes", FanoutCommand.closes(deliveries));
      if (opened.firstFailure() != null) {
        result.put("firstConnectFailure", opened.firstFailure());
      }
      if (before.heap() >= 0) {
        result.put("heapPerConnectionKiB", perConnection(before.heap(), after.heap(), alive));
      }
      if (before.direct() >= 0) {
        result.put("directPerConnectionKiB", perConnection(before.direct(), after.direct(), alive));
      }
      SessionPool.closeAll(opened.sessions());
    } finally {
      vertx.close().await();
    }
    Results.write(common.out, result);
    return 0;
  }

  private static JsonObject reading(ServerMemory.Reading r) {
    return new JsonObject().put("rss", r.rss()).put("heap", r.heap()).put("direct", r.direct());
  }

  private static double perConnection(long before, long after, long alive) {
    return alive == 0 ? 0 : Results.round((after - before) / 1024.0 / alive);
  }
}
