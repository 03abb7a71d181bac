package switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * webflow: N STOMP sessions each registered under its own id; every notification goes to exactly one of
 * them, round-robin. Switchboard Web Flow gets {@code POST /api/authorizations} (what another service
 * calls) and delivers on the session's {@code /user/topic/authorization}; RabbitMQ Web-STOMP gets the
 * same body SENT to the session's own queue over one STOMP connection. Web Flow's ingress is one of
 * {@code --ingress}: {@code rest} (one POST per notification), {@code batch} (one POST of a JSON array of
 * {@code --batch} notifications, when the server answers that form; else the result says it is not
 * available) or {@code bus} (event-bus requests to {@code webflow.authorization} from a lite member of the
 * server's cluster). Deliveries/s at saturation, then latency at 50 % of it.
 */
@Command(name = "webflow", mixinStandardHelpOptions = true,
    description = "Notifications to one of N registered STOMP sessions; notifications/s and latency.")
public final class WebflowCommand implements Callable<Integer> {

  /** What is being driven. */
  enum Target { webflow, rabbitmq }

  /** How notifications enter Web Flow. */
  enum Ingress { rest, batch, bus }

  /** Characters of authResult: the delivered body is then about 200 bytes. */
  private static final int AUTH_RESULT_CHARS = 150;

  @Mixin
  CommonOptions common;

  @Option(names = "--target", required = true, description = "webflow or rabbitmq")
  Target target;

  @Option(names = "--ws", required = true, description = "STOMP-over-WebSocket URL")
  URI ws;

  @Option(names = "--http", description = "Web Flow base URL for POST /api/authorizations")
  URI http;

  @Option(names = "--sessions", description = "registered sessions (default ${DEFAULT-VALUE})")
  int sessions = 1000;

  @Option(names = "--window", description = "notifications outstanding at saturation (default ${DEFAULT-VALUE})")
  int window = 256;

  @Option(names = "--connect-concurrency", description = "handshakes in flight while connecting (default ${DEFAULT-VALUE})")
  int connectConcurrency = 64;

  @Option(names = "--ingress", description = "Web Flow ingress: rest, batch or bus (default ${DEFAULT-VALUE})")
  Ingress ingress = Ingress.rest;

  @Option(names = "--batch", description = "notifications per batch request (default ${DEFAULT-VALUE})")
  int batch = 32;

  @Option(names = "--hazelcast-xml", description = "Hazelcast XML of the server's cluster (bus ingress)")
  Path hazelcastXml = Path.of("cluster/hazelcast.xml");

  @Option(names = "--cluster-name", description = "the server's Hazelcast cluster name (bus ingress)")
  String clusterName;

  @Option(names = "--login", description = "RabbitMQ login (default ${DEFAULT-VALUE})")
  String login = "guest";

  @Option(names = "--passcode", description = "RabbitMQ passcode (default ${DEFAULT-VALUE})")
  String passcode = "guest";

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    Deliveries deliveries = new Deliveries();
    Targets targets = new Targets(vertx, Targets.jwtSecret(), Targets.ecdhInfo());
    JsonObject result = new JsonObject().put("scenario", "webflow").put("target", target.name())
        .put("label", common.label != null ? common.label : target.name()).put("sessions", sessions)
        .put("ingress", target == Target.rabbitmq ? "stomp" : ingress.name());
    if (target == Target.webflow && ingress == Ingress.batch) {
      String refusal = batchRefusal(targets);
      if (refusal != null) {
        result.put("notAvailable", "the server does not take a batch of notifications: " + refusal);
        Results.write(common.out, result);
        return 0;
      }
      result.put("batch", batch);
    }
    int perPublish = target == Target.webflow && ingress == Ingress.batch ? batch : 1;
    int outstanding = Math.max(window, perPublish * 8);
    String[] ids = new String[sessions];
    try (NettyWsClient client = common.client()) {
      SessionPool.Opened opened = SessionPool.open(client, sessions, connectConcurrency,
          Duration.ofSeconds(Math.max(30, common.timeLimitSeconds / 2)), i -> {
            ids[i] = "bench-ws-" + i;
            return new SessionPool.Spec(ws, StompBenchSession.SUBPROTOCOLS, new StompBenchSession(deliveries, setup(ids[i])));
          });
      result.put("connected", opened.sessions().size()).put("connectFailures", opened.failures())
          .put("connectSeconds", Results.round(opened.seconds()));
      if (opened.firstFailure() != null) {
        result.put("firstConnectFailure", opened.firstFailure());
      }
      if (opened.failures() > 0 || opened.sessions().isEmpty()) {
        result.put("error", opened.failures() + " sessions did not register: " + opened.firstFailure());
        SessionPool.closeAll(opened.sessions());
        Results.write(common.out, result);
        return 1;
      }
      try (Publisher publisher = publisher(vertx, client, targets, ids)) {
        LoadDriver driver = new LoadDriver(publisher, deliveries, () -> perPublish, common.serverCpu());
        LoadDriver.Window saturation = driver.saturate(common.warmup(), common.measure(), outstanding,
            Math.max(1, outstanding / perPublish));
        result.put("saturation", Results.window(saturation));
        double rate = 0.5 * saturation.deliveriesPerSecond() / perPublish;
        if (rate > 0) {
          LoadDriver.Paced paced = driver.paced(rate, common.warmup(), common.measure());
          result.put("latency", Results.latency(paced.latency()).put("publishRate", Results.round(rate))
              .put("expected", paced.expected()).put("overloaded", paced.overloaded())
              .put("window", Results.window(paced.window())));
        } else {
          result.put("error", "no deliveries at saturation: " + driver.firstError());
        }
      }
      result.put("alive", opened.alive()).put("closes", FanoutCommand.closes(deliveries))
          .put("protocolErrors", deliveries.protocolErrors());
      SessionPool.closeAll(opened.sessions());
    } finally {
      vertx.close().await();
    }
    Results.write(common.out, result);
    return 0;
  }

  private StompBenchSession.Setup setup(String id) {
    return switch (target) {
      case webflow -> new StompBenchSession.Setup("localhost", null, null,
          List.of(new StompBenchSession.Subscription("reg", "/user/topic/registration"),
              new StompBenchSession.Subscription("auth", "/user/topic/authorization")),
          "/app/registration", "{\"webSocketId\":\"" + id + "\"}", "reg", "auth");
      case rabbitmq -> new StompBenchSession.Setup("/", login, passcode,
          List.of(new StompBenchSession.Subscription("auth", "/queue/" + id, "durable", "false", "auto-delete", "true")),
          null, null, null, "auth");
    };
  }

  /** The body Web Flow delivers for a notification; RabbitMQ is sent the same bytes. */
  private static String body(String id, String payload) {
    return "{\"webSocketId\":\"" + id + "\",\"authResult\":\"" + Payload.text(Payload.sentAt(payload), AUTH_RESULT_CHARS) + "\"}";
  }

  private Publisher publisher(Vertx vertx, NettyWsClient client, Targets targets, String[] ids) throws Exception {
    return switch (target) {
      case webflow -> switch (ingress) {
        case rest -> new HttpPublisher(vertx, http().getHost(), http().getPort(), 16,
            Map.of("authorization", "Bearer " + targets.serviceToken()),
            (seq, payload) -> new HttpPublisher.Post(AUTHORIZATIONS, body(ids[(int) (seq % ids.length)], payload)));
        case batch -> new HttpPublisher(vertx, http().getHost(), http().getPort(), 16,
            Map.of("authorization", "Bearer " + targets.serviceToken()),
            (seq, payload) -> {
              StringBuilder array = new StringBuilder(batch * 220).append('[');
              for (int k = 0; k < batch; k++) {
                array.append(k == 0 ? "" : ",").append(body(ids[(int) ((seq * batch + k) % ids.length)], payload));
              }
              return new HttpPublisher.Post(AUTHORIZATIONS, array.append(']').toString());
            });
        case bus -> {
          if (clusterName == null) {
            throw new IllegalArgumentException("--cluster-name is required for the bus ingress");
          }
          yield BusPublisher.join(hazelcastXml, clusterName, ws.getHost(), "webflow.authorization",
              (seq, payload) -> new JsonObject(body(ids[(int) (seq % ids.length)], payload)));
        }
      };
      case rabbitmq -> {
        StompBenchSession control = new StompBenchSession(new Deliveries(), new StompBenchSession.Setup("/", login, passcode,
            List.of(new StompBenchSession.Subscription("control", "/queue/bench-control", "durable", "false", "auto-delete", "true")), null, null, null, "control"));
        WsLink link = client.connect(ws, StompBenchSession.SUBPROTOCOLS, control).get(15, TimeUnit.SECONDS);
        control.ready().get(15, TimeUnit.SECONDS);
        // /amq/queue/ sends to the existing queue without declaring it (a SEND to /queue/ would redeclare it durable)
        yield new RabbitPublisher(new StompPublisher(link, seq -> "/amq/queue/" + ids[(int) (seq % ids.length)]), ids);
      }
    };
  }

  private static final String AUTHORIZATIONS = "/api/authorizations";

  private URI http() {
    if (http == null) {
      throw new IllegalArgumentException("--http is required for the Web Flow REST ingress");
    }
    return http;
  }

  /**
   * Asks the server whether it takes a JSON array of notifications: null when it answers one with 2xx,
   * else what it answered. The probe names an id no session registers, so nothing is delivered by it.
   */
  private String batchRefusal(Targets targets) throws Exception {
    String probe = "[" + body("bench-batch-probe", Payload.of(Payload.nowMicros())) + "]";
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(http().resolve(AUTHORIZATIONS))
        .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
        .header("authorization", "Bearer " + targets.serviceToken())
        .POST(HttpRequest.BodyPublishers.ofString(probe)).build(), HttpResponse.BodyHandlers.ofString());
    return answer.statusCode() / 100 == 2 ? null
        : "HTTP " + answer.statusCode() + " " + answer.body().substring(0, Math.min(120, answer.body().length()));
  }

  /** Sends the Web Flow body to the session's queue. */
  private record RabbitPublisher(StompPublisher stomp, String[] ids) implements Publisher {
    @Override
    public java.util.concurrent.CompletableFuture<Void> publish(long seq, String payload) {
      return stomp.publish(seq, body(ids[(int) (seq % ids.length)], payload));
    }

    @Override
    public void close() {
      stomp.close();
    }
  }
}
