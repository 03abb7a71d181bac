package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import switchboard.bus.Addresses;
import switchboard.testing.TestCluster;
import switchboard.testing.TestPlatform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static switchboard.testing.Await.await;

/**
 * Measures authorization notifications end to end (event-bus request → STOMP MESSAGE parsed at the client)
 * with many registered sessions. Not a unit test: run by hand with the test classpath,
 * {@code WebFlowBench [sessions=5000] [notifications=50000] [window=256] [single|cluster]}.
 * In cluster mode every session sits on node A and every request is made on node B.
 *
 * <p>Server, event bus and clients share this JVM (and the machine's cores), so the CPU figure printed is
 * the whole process per notification, an upper bound on the server's own cost.
 */
public final class WebFlowBench {

  private static final String MARK = "\"authResult\":\"t";

  private WebFlowBench() {
  }

  public static void main(String[] args) throws Exception {
    int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int notifications = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    boolean clustered = args.length > 3 && args[3].equals("cluster");
    JsonObject overrides = new JsonObject().put("stomp", new JsonObject().put("maxConnectionsPerIp", 0)
        .put("heartbeatMs", 0).put("connectTimeoutMs", 600_000));

    TestCluster cluster = clustered ? TestCluster.start(2) : null;
    WebFlowServer server = clustered ? WebFlowServer.start(cluster.platform(0), overrides) : WebFlowServer.start(overrides);
    WebFlowServer sender = clustered ? WebFlowServer.start(cluster.platform(1), overrides) : server;
    Vertx clients = Vertx.vertx();
    try {
      long[] latencies = new long[notifications];
      AtomicInteger received = new AtomicInteger();
      Promise<Void> allReceived = Promise.promise();
      List<String> ids = connectAll(clients, server.port(), sessions, latencies, received, notifications, allReceived);
      System.out.printf("%d sessions registered (%s)%n", ids.size(), clustered ? "2 nodes: sessions on A, requests on B" : "single node");

      run(sender.vertx, ids, Math.min(notifications, 5000), window, null);
      received.set(0);
      Arrays.fill(latencies, 0);
      long cpuBefore = processCpuTicks();
      long started = System.nanoTime();
      AtomicLong notDelivered = new AtomicLong();
      run(sender.vertx, ids, notifications, window, notDelivered);
      await(allReceived.future(), 300);
      long elapsed = System.nanoTime() - started;
      long cpuTicks = processCpuTicks() - cpuBefore;

      Arrays.sort(latencies);
      double seconds = elapsed / 1e9;
      System.out.printf("%d notifications in %.2f s: %.0f/s end to end, p50 %.2f ms, p99 %.2f ms, max %.2f ms, "
              + "not delivered %d, process CPU %.1f µs per notification%n",
          notifications, seconds, notifications / seconds, latencies[notifications / 2] / 1e6,
          latencies[(int) (notifications * 0.99)] / 1e6, latencies[notifications - 1] / 1e6, notDelivered.get(),
          cpuTicks * 10_000.0 / notifications);
    } finally {
      await(clients.close(), 60);
      if (cluster != null) {
        cluster.close();
      } else {
        server.close();
      }
    }
  }

  /** Sends {@code count} requests keeping {@code window} in flight; completes when all are answered. */
  private static void run(Vertx vertx, List<String> ids, int count, int window, AtomicLong notDelivered) {
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    vertx.runOnContext(v -> {
      for (int i = 0; i < window && i < count; i++) {
        sendNext(vertx, ids, count, next, answered, done, notDelivered);
      }
    });
    await(done.future(), 600);
  }

  private static void sendNext(Vertx vertx, List<String> ids, int count, AtomicInteger next, AtomicInteger answered,
                               Promise<Void> done, AtomicLong notDelivered) {
    int n = next.getAndIncrement();
    if (n >= count) {
      return;
    }
    JsonObject body = new JsonObject().put("webSocketId", ids.get(n % ids.size()))
        .put("authResult", "t" + System.nanoTime());
    vertx.eventBus().<JsonObject>request(Addresses.WEBFLOW_AUTHORIZATION, body).onComplete(ar -> {
      if (notDelivered != null && (ar.failed() || !ar.result().body().getBoolean("delivered"))) {
        notDelivered.incrementAndGet();
      }
      if (answered.incrementAndGet() == count) {
        done.complete();
      } else {
        sendNext(vertx, ids, count, next, answered, done, notDelivered);
      }
    });
  }

  /** Connects and registers {@code n} sessions, 200 handshakes at a time; each records MESSAGE latencies. */
  private static List<String> connectAll(Vertx vertx, int port, int n, long[] latencies, AtomicInteger received,
                                         int expected, Promise<Void> allReceived) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(n + 10));
    List<String> ids = new ArrayList<>();
    for (int start = 0; start < n; start += 200) {
      List<Future<Void>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + 200); i++) {
        String id = "bench-" + i;
        ids.add(id);
        batch.add(register(client, port, id, latencies, received, expected, allReceived));
      }
      await(Future.all(batch), 120);
    }
    return ids;
  }

  private static Future<Void> register(WebSocketClient client, int port, String id, long[] latencies,
                                       AtomicInteger received, int expected, Promise<Void> allReceived) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/websocket").setSubProtocols(List.of("v12.stomp"));
    return client.connect(options).compose(ws -> {
      Promise<Void> registered = Promise.promise();
      ws.handler(data -> onData(data, registered, latencies, received, expected, allReceived));
      ws.writeTextMessage("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
      ws.writeTextMessage("SUBSCRIBE\nid:r\ndestination:/user/topic/registration\n\n\0");
      ws.writeTextMessage("SUBSCRIBE\nid:a\ndestination:/user/topic/authorization\n\n\0");
      ws.writeTextMessage("SEND\ndestination:/app/registration\n\n{\"webSocketId\":\"" + id + "\"}\0");
      return registered.future();
    });
  }

  /** Each server frame arrives as one message; a notification's authResult carries its send time. */
  private static void onData(Buffer data, Promise<Void> registered, long[] latencies, AtomicInteger received,
                             int expected, Promise<Void> allReceived) {
    String text = data.toString();
    int mark = text.indexOf(MARK);
    if (mark < 0) {
      if (text.startsWith("MESSAGE")) {
        registered.tryComplete();
      }
      return;
    }
    int from = mark + MARK.length();
    long sent = Long.parseLong(text.substring(from, text.indexOf('"', from)));
    int n = received.getAndIncrement();
    if (n < latencies.length) {
      latencies[n] = System.nanoTime() - sent;
    }
    if (n + 1 == expected) {
      allReceived.tryComplete();
    }
  }

  /** utime + stime of this process in clock ticks (1/100 s), from /proc/self/stat. */
  private static long processCpuTicks() throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
