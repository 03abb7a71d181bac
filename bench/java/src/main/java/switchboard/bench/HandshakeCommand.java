package switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * handshake: connections opened, authenticated and closed back to back by a fixed number of workers;
 * reports handshakes/s, handshake latency and the server's CPU per handshake. The generator reuses a pool
 * of client key pairs and does not derive the session key (the server does all of its own work either
 * way), so that as much of the shared machine as possible is left to the server.
 */
@Command(name = "handshake", mixinStandardHelpOptions = true,
    description = "Open, authenticate and close connections back to back; handshakes/s.")
public final class HandshakeCommand implements Callable<Integer> {

  @Mixin
  CommonOptions common;

  @Option(names = "--target", required = true, description = "signal or socketio")
  FanoutCommand.Target target;

  @Option(names = "--ws", required = true, description = "WebSocket URL")
  URI ws;

  @Option(names = "--concurrency", description = "handshakes in flight (default ${DEFAULT-VALUE})")
  int concurrency = 64;

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final LongAdder done = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private final Recorder latency = new Recorder(3);

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    Targets targets = new Targets(vertx, Targets.jwtSecret(), Targets.ecdhInfo());
    Deliveries deliveries = new Deliveries();
    ExecutorService loop = Executors.newSingleThreadExecutor();
    JsonObject result = new JsonObject().put("scenario", "handshake").put("target", target.name())
        .put("label", common.label != null ? common.label : target.name()).put("concurrency", concurrency);
    CountDownLatch stopped = new CountDownLatch(concurrency);
    try (NettyWsClient client = common.client()) {
      for (int w = 0; w < concurrency; w++) {
        loop.execute(() -> handshake(client, targets, deliveries, loop, stopped));
      }
      ProcessCpu serverCpu = common.serverCpu();
      Thread.sleep(common.warmup().toMillis());
      long n0 = done.sum();
      long f0 = failed.sum();
      long s0 = serverCpu.micros();
      long j0 = serverCpu.jitMicros();
      long g0 = ProcessCpu.selfMicros();
      long t0 = System.nanoTime();
      latency.reset();
      Thread.sleep(common.measure().toMillis());
      long n1 = done.sum();
      long s1 = serverCpu.micros();
      long j1 = serverCpu.jitMicros();
      long g1 = ProcessCpu.selfMicros();
      double seconds = (System.nanoTime() - t0) / 1e9;
      var histogram = latency.getIntervalHistogram();
      running.set(false);
      stopped.await(30, TimeUnit.SECONDS);
      long handshakes = n1 - n0;
      result.put("seconds", Results.round(seconds)).put("handshakes", handshakes)
          .put("handshakesPerSecond", Math.round(handshakes / seconds))
          .put("failures", failed.sum() - f0)
          .put("serverUsPerHandshake", handshakes == 0 || serverCpu.isEmpty() ? 0 : Results.round((double) (s1 - s0) / handshakes))
          .put("serverJitUsPerHandshake", handshakes == 0 || serverCpu.isEmpty() ? 0 : Results.round((double) Math.max(0, j1 - j0) / handshakes))
          .put("generatorUsPerHandshake", handshakes == 0 ? 0 : Results.round((double) (g1 - g0) / handshakes))
          .put("serverCpuSeconds", Results.round((s1 - s0) / 1e6))
          .put("latency", Results.latency(histogram));
      if (firstFailure.get() != null) {
        result.put("firstFailure", firstFailure.get());
      }
    } finally {
      loop.shutdownNow();
      vertx.close().await();
    }
    Results.write(common.out, result);
    return 0;
  }

  private void handshake(NettyWsClient client, Targets targets, Deliveries deliveries, ExecutorService loop,
                         CountDownLatch stopped) {
    if (!running.get()) {
      stopped.countDown();
      return;
    }
    int i = next.getAndIncrement();
    SessionPool.Spec spec = switch (target) {
      case signal -> new SessionPool.Spec(ws, null, targets.signal(i, deliveries, true));
      case socketio -> new SessionPool.Spec(ws.resolve(SocketIoSession.PATH), null, new SocketIoSession(deliveries));
    };
    long start = System.nanoTime();
    client.connect(spec.uri(), spec.subprotocols(), spec.session())
        .thenCompose(link -> spec.session().ready())
        .orTimeout(15, TimeUnit.SECONDS)
        .whenCompleteAsync((s, err) -> {
          if (err == null) {
            done.increment();
            latency.recordValue((System.nanoTime() - start) / 1000);
          } else {
            failed.increment();
            firstFailure.compareAndSet(null, String.valueOf(err.getMessage()));
          }
          spec.session().close();
          handshake(client, targets, deliveries, loop, stopped);
        }, loop);
  }
}
