package switchboard.wallet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import switchboard.testing.TestPlatform;
import switchboard.wallet.impl.EnvelopeReader;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static switchboard.testing.Await.await;

/**
 * Rough measurements, not a test: µs per verification (envelope read + EIP-712 digest + ecrecover, warm JIT)
 * and signed GET_BALANCE round trips per second from many connections against a real gateway and dev ledger
 * in this JVM. Arguments: [connections=200] [seconds=5].
 */
public final class WalletBench {

  private WalletBench() {
  }

  public static void main(String[] args) throws Exception {
    int connections = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    verification();
    roundTrips(connections, seconds);
    System.exit(0);
  }

  private static void verification() {
    Eip712Verifier verifier = new Eip712Verifier(WalletFixture.DOMAIN, Clock.systemUTC(), Duration.ofMinutes(15));
    EnvelopeReader reader = new EnvelopeReader();
    TestWallet wallet = new TestWallet(WalletFixture.DOMAIN);
    int n = 2000;
    List<String> texts = new ArrayList<>();
    List<JsonObject> parsed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String t = wallet.envelope("GET_BALANCE", WalletFixture.deadline(), WalletFixture.payload(WalletFixture.requestId()));
      texts.add(t);
      parsed.add(new JsonObject(t));
    }
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      int ok = 0;
      for (int k = 0; k < 10; k++) {
        for (int i = 0; i < n; i++) {
          try {
            if (verifier.verify(reader.read(texts.get(i), parsed.get(i))).ok()) {
              ok++;
            }
          } catch (EnvelopeReader.InvalidEnvelope e) {
            throw new IllegalStateException(e);
          }
        }
      }
      double us = (System.nanoTime() - start) / 1000.0 / (10.0 * n);
      System.out.printf("verification round %d: %.1f µs per message (%d ok)%n", round, us, ok);
    }
  }

  private static void roundTrips(int connections, int seconds) throws Exception {
    Path dir = Files.createTempDirectory("wallet-bench");
    Vertx vertx = Vertx.vertx();
    TestWallet wallet = new TestWallet(WalletFixture.DOMAIN);
    WalletConfig config = WalletFixture.config(dir, json -> json
        .put("ws", new JsonObject().put("messagesPerSecond", 0).put("maxConnectionsPerIp", 0).put("authTimeoutMs", 120_000))
        .put("ledger", json.getJsonObject("ledger").put("fund", wallet.address() + "=1000")));
    int port = WalletFixture.deploy(TestPlatform.single(vertx), config);
    int perConnection = Math.max(50, seconds * 40);
    System.out.printf("pre-signing %d messages…%n", connections * perConnection);
    List<List<String>> signed = IntStream.range(0, connections).parallel()
        .mapToObj(c -> IntStream.range(0, perConnection).mapToObj(i -> wallet.envelope("GET_BALANCE",
            WalletFixture.deadline() + 300, WalletFixture.payload(WalletFixture.requestId()))).toList())
        .toList();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(connections));
    List<WebSocket> sockets = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      sockets.add(await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))));
    }
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch finished = new CountDownLatch(connections);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      WebSocket ws = sockets.get(c);
      List<String> mine = signed.get(c);
      int[] next = {0};
      ws.textMessageHandler(text -> {
        if (!text.contains("BALANCE_RESULT")) {
          errors.incrementAndGet();
        }
        done.incrementAndGet();
        if (System.nanoTime() < end && next[0] < mine.size()) {
          ws.writeTextMessage(mine.get(next[0]++));
        } else {
          finished.countDown();
        }
      });
      ws.writeTextMessage(mine.get(next[0]++));
    }
    finished.await(seconds + 30L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
    System.out.printf("%d connections: %d signed GET_BALANCE round trips in %.1f s = %.0f/s, %d errors, "
            + "process CPU %.1f s (%.0f µs per round trip, client and server together)%n",
        connections, done.get(), elapsed, done.get() / elapsed, errors.get(), cpu, cpu * 1e6 / done.get());
    await(Future.join(sockets.stream().map(WebSocket::close).toList()).mapEmpty());
    await(vertx.close());
  }
}
