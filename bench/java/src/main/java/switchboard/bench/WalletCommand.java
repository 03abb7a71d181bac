package switchboard.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * wallet: C connections, each its own wallet, each keeping one signed GET_BALANCE outstanding (closed
 * loop); reports round trips/s, round-trip latency and the server's CPU per round trip. Every message is
 * signed before the run (a fresh requestId makes each digest unique, so none is a replay), so signing
 * costs the generator nothing while the server is measured.
 */
@Command(name = "wallet", mixinStandardHelpOptions = true,
    description = "Signed GET_BALANCE round trips from C connections; round trips/s.")
public final class WalletCommand implements Callable<Integer> {

  @Mixin
  CommonOptions common;

  @Option(names = "--ws", required = true, description = "gateway WebSocket URL")
  URI ws;

  @Option(names = "--http", required = true, description = "gateway base URL (GET /basic-data)")
  URI http;

  @Option(names = "--connections", description = "connections, one wallet each (default ${DEFAULT-VALUE})")
  int connections = 200;

  @Option(names = "--messages", description = "messages signed before the run, in all (default ${DEFAULT-VALUE})")
  int messages = 60_000;

  private final LongAdder roundTrips = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private final Recorder latency = new Recorder(3);
  private final AtomicBoolean running = new AtomicBoolean(true);

  @Override
  public Integer call() throws Exception {
    JsonObject basic = new JsonObject(HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(http.resolve("/basic-data")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    byte[] separator = WalletSigner.hex(basic.getString("domainSeparator"));
    String token = basic.getJsonArray("tokens").getJsonObject(0).getString("domainSeparator");
    long deadline = System.currentTimeMillis() / 1000 + Math.min(600, basic.getLong("deadlineHorizonSeconds", 900L) - 60);
    int perConnection = Math.max(1, messages / connections);
    SecureRandom random = new SecureRandom();
    long signStart = System.nanoTime();
    List<ArrayDeque<String>> signed = IntStream.range(0, connections).parallel().mapToObj(c -> {
      WalletSigner wallet = new WalletSigner(random);
      ArrayDeque<String> queue = new ArrayDeque<>(perConnection);
      for (int j = 0; j < perConnection; j++) {
        queue.add(wallet.envelope(separator, "GET_BALANCE", deadline,
            "{\"requestId\":\"c" + c + "-" + j + "\",\"domainSeparators\":[\"" + token + "\"]}"));
      }
      return queue;
    }).toList();
    double signSeconds = (System.nanoTime() - signStart) / 1e9;
    JsonObject result = new JsonObject().put("scenario", "wallet").put("target", "switchboard")
        .put("label", common.label != null ? common.label : "Switchboard Wallet").put("connections", connections)
        .put("signedBeforeRun", perConnection * connections).put("signSeconds", Results.round(signSeconds));
    try (NettyWsClient client = common.client()) {
      List<WalletSession> sessions = new ArrayList<>();
      SessionPool.Opened opened = SessionPool.open(client, connections, 64, Duration.ofSeconds(60), i -> {
        WalletSession s = new WalletSession(signed.get(i));
        return new SessionPool.Spec(ws, null, s);
      });
      opened.sessions().forEach(s -> sessions.add((WalletSession) s));
      result.put("connected", sessions.size());
      ProcessCpu serverCpu = common.serverCpu();
      sessions.forEach(WalletSession::next);
      Thread.sleep(common.warmup().toMillis());
      long n0 = roundTrips.sum();
      long s0 = serverCpu.micros();
      long j0 = serverCpu.jitMicros();
      long g0 = ProcessCpu.selfMicros();
      long e0 = errors.sum();
      long t0 = System.nanoTime();
      latency.reset();
      long end = t0 + common.measure().toNanos();
      while (System.nanoTime() < end && sessions.stream().anyMatch(WalletSession::busy)) {
        Thread.sleep(20);
      }
      long n1 = roundTrips.sum();
      long s1 = serverCpu.micros();
      long j1 = serverCpu.jitMicros();
      long g1 = ProcessCpu.selfMicros();
      double seconds = (System.nanoTime() - t0) / 1e9;
      running.set(false);
      boolean exhausted = sessions.stream().noneMatch(WalletSession::busy);
      result.put("saturation", Results.window(new LoadDriver.Window(seconds, n1 - n0, n1 - n0, s1 - s0, Math.max(0, j1 - j0), g1 - g0,
              errors.sum() - e0, firstError.get())))
          .put("latency", Results.latency(latency.getIntervalHistogram()).put("loop", "closed, 1 outstanding per connection"))
          .put("errors", errors.sum()).put("messagesExhausted", exhausted);
      if (firstError.get() != null) {
        result.put("firstError", firstError.get());
      }
      SessionPool.closeAll(opened.sessions());
    }
    Results.write(common.out, result);
    return 0;
  }

  /** One wallet's connection: sends its next signed message when the previous one is answered. */
  private final class WalletSession extends BenchSession {
    private final ArrayDeque<String> queue;
    private volatile long sentAt;
    private volatile boolean busy;

    WalletSession(ArrayDeque<String> queue) {
      super(new Deliveries());
      this.queue = queue;
    }

    @Override
    protected void opened(WsLink link) {
      markReady();
    }

    boolean busy() {
      return busy;
    }

    void next() {
      link().eventLoop().execute(() -> {
        String message = running.get() ? queue.poll() : null;
        busy = message != null;
        if (message != null) {
          sentAt = System.nanoTime();
          link().send(message);
        }
      });
    }

    @Override
    public void onText(WsLink link, String text) {
      if (text.contains("\"BALANCE_RESULT\"")) {
        roundTrips.increment();
        latency.recordValue((System.nanoTime() - sentAt) / 1000);
        next();
      } else if (text.contains("\"ERROR\"")) {
        errors.increment();
        firstError.compareAndSet(null, text);
        next();
      }
    }
  }
}
