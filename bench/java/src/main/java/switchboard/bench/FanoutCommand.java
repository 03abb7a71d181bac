package switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * fanout: N subscribers in one room, one publisher of 200-byte messages. Reports deliveries/s at
 * saturation and publish→receive latency at a fraction (50 %) of that rate.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
    description = "N clients in one room; deliveries/s at saturation, latency at 50 % of it.")
public final class FanoutCommand implements Callable<Integer> {

  /** What is being driven. */
  enum Target { signal, socketio }

  @Mixin
  CommonOptions common;

  @Option(names = "--target", required = true, description = "signal (encrypted or not, as the server is configured) or socketio")
  Target target;

  @Option(names = "--ws", split = ",", required = true,
      description = "WebSocket URL(s); clients are spread over them round-robin (cluster nodes)")
  List<URI> wsUrls;

  @Option(names = "--http", required = true, description = "base URL the publisher posts to")
  URI http;

  @Option(names = "--clients", description = "subscribers (default ${DEFAULT-VALUE})")
  int clients = 1000;

  @Option(names = "--connect-concurrency", description = "handshakes in flight while connecting (default ${DEFAULT-VALUE})")
  int connectConcurrency = 128;

  @Option(names = "--window", description = "broadcasts outstanding at saturation (default ${DEFAULT-VALUE})")
  int window = 4;

  @Option(names = "--room", description = "Signal room (default ${DEFAULT-VALUE}, joined automatically)")
  String room = "ws-default";

  @Option(names = "--latency-fraction", description = "latency phase rate as a fraction of saturation (default ${DEFAULT-VALUE})")
  double latencyFraction = 0.5;

  @Option(names = "--rate-from", description = "take the latency-phase broadcast rate from this earlier result instead")
  Path rateFrom;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    Deliveries deliveries = new Deliveries();
    Targets targets = new Targets(vertx, Targets.jwtSecret(), Targets.ecdhInfo());
    JsonObject result = new JsonObject().put("scenario", "fanout").put("target", target.name())
        .put("label", common.label != null ? common.label : target.name()).put("clients", clients)
        .put("nodes", wsUrls.size()).put("messageBytes", Payload.SIZE);
    try (NettyWsClient client = common.client()) {
      SessionPool.Opened opened = SessionPool.open(client, clients, connectConcurrency,
          Duration.ofSeconds(Math.max(30, common.timeLimitSeconds / 2)), i -> spec(targets, deliveries, i));
      result.put("connected", opened.sessions().size()).put("connectFailures", opened.failures())
          .put("connectSeconds", Results.round(opened.seconds()));
      if (opened.firstFailure() != null) {
        result.put("firstConnectFailure", opened.firstFailure());
      }
      if (opened.sessions().isEmpty()) {
        result.put("error", "no subscriber connected: " + opened.firstFailure());
        Results.write(common.out, result);
        return 1;
      }
      try (Publisher publisher = publisher(vertx, targets)) {
        run(result, opened, deliveries, publisher);
      }
      SessionPool.closeAll(opened.sessions());
    } finally {
      vertx.close().await();
    }
    Results.write(common.out, result);
    return 0;
  }

  private SessionPool.Spec spec(Targets targets, Deliveries deliveries, int i) {
    URI base = wsUrls.get(i % wsUrls.size());
    return switch (target) {
      case signal -> new SessionPool.Spec(base, null, targets.signal(i, deliveries, false));
      case socketio -> new SessionPool.Spec(base.resolve(SocketIoSession.PATH), null, new SocketIoSession(deliveries));
    };
  }

  private Publisher publisher(Vertx vertx, Targets targets) {
    return switch (target) {
      case signal -> targets.signalPublisher(vertx, http, room, window + 2);
      case socketio -> Targets.socketIoPublisher(vertx, http, window + 2);
    };
  }

  private void run(JsonObject result, SessionPool.Opened opened, Deliveries deliveries, Publisher publisher)
      throws Exception {
    int n = opened.sessions().size();
    LoadDriver driver = new LoadDriver(publisher, deliveries, () -> (int) opened.alive(), common.serverCpu());
    LoadDriver.Window saturation = driver.saturate(common.warmup(), common.measure(), (long) window * n, window);
    result.put("saturation", Results.window(saturation));
    double rate = rateFrom != null
        ? new JsonObject(Files.readString(rateFrom)).getJsonObject("latency", new JsonObject()).getDouble("publishRate", 0.0)
        : latencyFraction * saturation.deliveriesPerSecond() / Math.max(1, opened.alive());
    if (rate <= 0) {
      result.put("error", "no deliveries at saturation: " + driver.firstError());
    } else {
      LoadDriver.Paced paced = driver.paced(rate, common.warmup(), common.measure());
      result.put("latency", Results.latency(paced.latency())
          .put("publishRate", Results.round(rate))
          .put("fraction", rateFrom != null ? null : latencyFraction)
          .put("expected", paced.expected())
          .put("overloaded", paced.overloaded())
          .put("window", Results.window(paced.window())));
    }
    result.put("alive", opened.alive()).put("closes", closes(deliveries)).put("protocolErrors", deliveries.protocolErrors());
  }

  static JsonObject closes(Deliveries deliveries) {
    JsonObject o = new JsonObject();
    deliveries.closes().forEach((code, n) -> o.put(Integer.toString(code), n));
    return o;
  }
}
