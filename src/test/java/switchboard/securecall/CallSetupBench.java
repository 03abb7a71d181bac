package switchboard.securecall;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import switchboard.platform.Platform;
import switchboard.testing.TestCluster;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static switchboard.securecall.SecureCallFixture.frame;
import static switchboard.testing.Await.await;

/**
 * Measures complete call set-ups — connect and register both parties, offer, accept, 4 ICE candidates each
 * way, hang up, close — on one node or across a 2-node cluster (caller on node A, callee on node B), and the
 * relay latency of ICE_CANDIDATE (sender's write to receiver's read, both in this JVM).
 *
 * <p>Not a unit test. Run it on the test classpath:
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) switchboard.securecall.CallSetupBench single 3000 8
 * </pre>
 * Arguments: {@code single|cluster}, set-ups, parallel caller/callee pairs. A warm-up of a tenth of the set-ups
 * runs first. Clients share the JVM (and the cores) with the server(s), so the figures are a floor.
 */
public final class CallSetupBench {

  private static final int ICE_PER_SIDE = 4;

  private final Vertx clients;
  private final Platform callerNode;
  private final SecureCallVerticle callerServer;
  private final Platform calleeNode;
  private final SecureCallVerticle calleeServer;
  private final AtomicInteger ids = new AtomicInteger();
  private final List<Long> iceNanos = new ArrayList<>();

  private CallSetupBench(Vertx clients, Platform callerNode, SecureCallVerticle callerServer, Platform calleeNode,
                         SecureCallVerticle calleeServer) {
    this.clients = clients;
    this.callerNode = callerNode;
    this.callerServer = callerServer;
    this.calleeNode = calleeNode;
    this.calleeServer = calleeServer;
  }

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "single";
    int setups = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    Path data = Files.createTempDirectory("securecall-bench");
    JsonObject unlimited = new JsonObject().put("ws", new JsonObject().put("messagesPerSecond", 0)
        .put("maxConnectionsPerIp", 0));
    Vertx clients = Vertx.vertx();
    TestCluster cluster = null;
    Vertx single = null;
    CallSetupBench bench;
    if (mode.equals("cluster")) {
      cluster = TestCluster.start(2);
      SecureCallVerticle a = SecureCallFixture.deploy(cluster.platform(0),
          SecureCallFixture.config(data.resolve("a"), unlimited));
      SecureCallVerticle b = SecureCallFixture.deploy(cluster.platform(1),
          SecureCallFixture.config(data.resolve("b"), unlimited));
      bench = new CallSetupBench(clients, cluster.platform(0), a, cluster.platform(1), b);
    } else {
      single = Vertx.vertx();
      Platform platform = TestPlatform.single(single);
      SecureCallVerticle v = SecureCallFixture.deploy(platform, SecureCallFixture.config(data, unlimited));
      bench = new CallSetupBench(clients, platform, v, platform, v);
    }
    try {
      bench.run(Math.max(pairs, setups / 10), pairs);
      bench.iceNanos.clear();
      long start = System.nanoTime();
      bench.run(setups, pairs);
      double seconds = (System.nanoTime() - start) / 1e9;
      long[] sorted = bench.iceNanos.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("mode=%s setups=%d pairs=%d elapsed=%.2fs setups/s=%.0f ice-relays=%d "
              + "ice p50=%.2fms p99=%.2fms max=%.2fms%n",
          mode, setups, pairs, seconds, setups / seconds, sorted.length,
          percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, sorted[sorted.length - 1] / 1e6);
    } finally {
      await(clients.close(), 60);
      if (cluster != null) {
        cluster.close();
      }
      if (single != null) {
        await(single.close(), 60);
      }
    }
  }

  private static double percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private void run(int setups, int pairs) {
    AtomicInteger remaining = new AtomicInteger(setups);
    List<Future<Void>> workers = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      workers.add(worker(remaining));
    }
    await(Future.all(workers), 600);
  }

  private Future<Void> worker(AtomicInteger remaining) {
    if (remaining.getAndDecrement() <= 0) {
      return Future.succeededFuture();
    }
    return setUpOneCall().compose(v -> worker(remaining));
  }

  private Future<WsTestClient> registered(Platform node, SecureCallVerticle server, String clientId) {
    return WsTestClient.connect(clients, server.actualPort(), SecureCallConfig.PATH).compose(c -> {
      c.send(frame("REGISTER", new JsonObject().put("clientId", clientId)));
      return c.next(f -> f.getString("type").equals("REGISTERED")).map(f -> c);
    });
  }

  private Future<Void> setUpOneCall() {
    int n = ids.incrementAndGet();
    String calleeId = "callee-" + n;
    return Future.all(registered(callerNode, callerServer, "caller-" + n), registered(calleeNode, calleeServer, calleeId))
        .compose(both -> {
          WsTestClient caller = both.resultAt(0);
          WsTestClient callee = both.resultAt(1);
          caller.send(frame("CALL_INITIATE", new JsonObject().put("targetId", calleeId).put("sdpOffer", "v=0 offer")));
          return callee.next(f -> f.getString("type").equals("INCOMING_CALL")).compose(incoming -> {
            String callId = incoming.getJsonObject("payload").getString("callId");
            callee.send(frame("CALL_ACCEPT", new JsonObject().put("callId", callId).put("sdpAnswer", "v=0 answer")));
            return caller.next(f -> f.getString("type").equals("CALL_ACCEPTED"))
                .compose(accepted -> Future.all(ice(caller, callee, callId), ice(callee, caller, callId)))
                .compose(done -> {
                  caller.send(frame("CALL_END", new JsonObject().put("callId", callId)));
                  return callee.next(f -> f.getString("type").equals("CALL_ENDED"));
                })
                .compose(ended -> Future.all(caller.close(), callee.close()))
                .<Void>mapEmpty();
          });
        });
  }

  /** Sends ICE_PER_SIDE candidates stamped with the send time and records each one's relay time on arrival. */
  private Future<Void> ice(WsTestClient from, WsTestClient to, String callId) {
    List<Future<Long>> relays = new ArrayList<>();
    for (int i = 0; i < ICE_PER_SIDE; i++) {
      String prefix = i + ":";
      relays.add(to.next(f -> f.getString("type").equals("ICE_CANDIDATE")
          && f.getJsonObject("payload").getString("candidate").startsWith(prefix)).map(f -> {
            long arrived = System.nanoTime();
            String candidate = f.getJsonObject("payload").getString("candidate");
            return arrived - Long.parseLong(candidate.substring(prefix.length(), candidate.indexOf(' ')));
          }));
    }
    for (int i = 0; i < ICE_PER_SIDE; i++) {
      from.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId)
          .put("candidate", i + ":" + System.nanoTime() + " candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host")));
    }
    return Future.all(relays).map(all -> {
      synchronized (iceNanos) {
        for (int i = 0; i < ICE_PER_SIDE; i++) {
          iceNanos.add(all.<Long>resultAt(i));
        }
      }
      return null;
    });
  }
}
