package switchboard.signal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import switchboard.bus.Addresses;
import switchboard.bus.RoomNodes;
import switchboard.config.ConfigReader;
import switchboard.platform.Profile;
import switchboard.signal.SignalTestSupport.Peer;
import switchboard.testing.TestCluster;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.signal.SignalTestSupport.token;
import static switchboard.testing.Await.await;

/** Verifies Signal across a real Hazelcast cluster of two or three nodes. */
@ExtendWith(VertxExtension.class)
class SignalClusterTest {

  /** The default route timeout plus room for a loaded machine: a send must not wait much past it. */
  private static final long ANSWER_WITHIN_MS = 1_800;

  /**
   * Verifies that a client on node A is listed and reachable from node B exactly once, and that it
   * disappears from B's list when A stops.
   */
  @Test
  void clientOnOneNodeIsListedAndReachableFromTheOther() {
    try (TestCluster cluster = TestCluster.start(2)) {
      int portA = SignalTestSupport.deploy(cluster.platform(0), new JsonObject()).actualPort();
      int portB = SignalTestSupport.deploy(cluster.platform(1), new JsonObject()).actualPort();
      var vertxB = cluster.vertx(1);
      String admin = token(vertxB, "ops", "admin");
      // GIVEN a client on A in ws-orders, and one on B
      Peer onA = Peer.authenticated(cluster.vertx(0), portA, token(cluster.vertx(0), "till-a", "pos"));
      onA.send("join", new JsonObject().put("rooms", new JsonArray().add("ws-orders")));
      await(onA.nextEvent("join"));
      Peer onB = Peer.authenticated(vertxB, portB, token(vertxB, "carol"));
      // THEN B lists both, A's with A's node id, and counts both
      JsonObject listed = eventually(vertxB, portB, admin, 2);
      JsonObject a = listed.getJsonArray("clients").stream().map(JsonObject.class::cast)
          .filter(c -> c.getString("id").equals(onA.id())).findFirst().orElseThrow();
      assertThat(a.getString("node")).isEqualTo(cluster.platform(0).nodeId());
      assertThat(a.getJsonArray("rooms")).contains("ws-orders");
      assertThat(await(SignalTestSupport.rest(vertxB, HttpMethod.GET, portB, SignalRestApi.BASE + "/status", null, null)).body()
          .getInteger("clientCount")).isEqualTo(2);
      // WHEN B's REST API sends to A's client, to ws-orders and to everyone
      assertThat(send(vertxB, portB, admin, "/" + onA.id() + "/send", "direct")).isEqualTo(1);
      assertThat(send(vertxB, portB, admin, "/rooms/ws-orders/send", "room")).isEqualTo(1);
      assertThat(send(vertxB, portB, admin, "/broadcast", "all")).isEqualTo(2);
      // THEN A's client gets each exactly once, in order
      assertThat(onA.nextDecrypted().getString("event")).isEqualTo("direct");
      assertThat(onA.nextDecrypted().getString("event")).isEqualTo("room");
      assertThat(onA.nextDecrypted().getString("event")).isEqualTo("all");
      assertThat(onB.nextDecrypted().getString("event")).isEqualTo("all");
      // AND an event-bus client send from B reaches A's client
      JsonObject reply = await(vertxB.eventBus().<JsonObject>request(Addresses.SIGNAL_CLIENT_SEND,
          new JsonObject().put("clientId", onA.id()).put("topic", "bus"))).body();
      assertThat(reply.getInteger("recipients")).isEqualTo(1);
      assertThat(onA.nextDecrypted().getString("event")).isEqualTo("bus");
      onA.expectNothingElse();
      // WHEN A stops
      cluster.stop(0);
      // THEN A's client disappears from B's list, and B's remains
      JsonObject after = eventually(vertxB, portB, admin, 1);
      assertThat(after.getJsonArray("clients").getJsonObject(0).getString("id")).isEqualTo(onB.id());
      assertThat(send(vertxB, portB, admin, "/broadcast", "still")).isEqualTo(1);
    }
  }

  /**
   * Verifies that when one node's Signal stops answering (a hung node: its router address still has a
   * consumer, which never replies), REST and event-bus room sends answer within about the 1 s default route
   * timeout with the count the other nodes reached, marked partial; a healthy cluster's answer has no mark.
   */
  @Test
  void aSendAnswersWithinTheRouteTimeoutMarkedPartialWhenANodeDoesNotAnswer(VertxTestContext ctx) throws Throwable {
    try (TestCluster cluster = TestCluster.start(3)) {
      Vertx vertxA = cluster.vertx(0);
      Vertx vertxC = cluster.vertx(2);
      int portA = SignalTestSupport.deploy(cluster.platform(0), new JsonObject()).actualPort();
      int portB = SignalTestSupport.deploy(cluster.platform(1), new JsonObject()).actualPort();
      String signalOnC = await(vertxC.deployVerticle(new SignalVerticle(cluster.platform(2),
          SignalConfig.read(new ConfigReader(SignalTestSupport.config(new JsonObject())), Profile.DEV))));
      String admin = token(vertxA, "ops", "admin");
      // GIVEN a client on A and one on B, both in ws-default (joined automatically)
      Peer onA = Peer.authenticated(vertxA, portA, token(vertxA, "till-a"));
      Peer onB = Peer.authenticated(cluster.vertx(1), portB, token(cluster.vertx(1), "till-b"));
      JsonObject healthy = await(SignalTestSupport.rest(vertxA, HttpMethod.POST, portA,
          SignalRestApi.BASE + "/rooms/ws-default/send", admin, new JsonObject().put("topic", "healthy"))).body();
      assertThat(healthy).isEqualTo(new JsonObject().put("recipients", 2).put("offset", 1)
          .put("epoch", healthy.getString("epoch")));
      assertThat(healthy.getString("epoch")).isNotEmpty();

      // WHEN node C's Signal hangs while the cluster still lists it in the room: a consumer that never answers
      // takes its router address
      Checkpoint reachedC = ctx.checkpoint(2);
      await(vertxC.eventBus().consumer(Addresses.nodeDelivery(SignalVerticle.SERVICE, cluster.platform(2).nodeId()),
          msg -> reachedC.flag()).completion());
      await(vertxC.undeploy(signalOnC));
      await(new RoomNodes(vertxC, cluster.platform(2).cluster(), Addresses.SIGNAL_ROOM_NODES_MAP).join("ws-default"));

      // THEN a REST send and an event-bus send from A each answer in time, partial, with A's and B's clients
      Checkpoint answered = ctx.checkpoint(2);
      JsonObject expected = new JsonObject().put("recipients", 2).put("partial", true);
      long started = System.nanoTime();
      SignalTestSupport.rest(vertxA, HttpMethod.POST, portA, SignalRestApi.BASE + "/rooms/ws-default/send", admin,
          new JsonObject().put("topic", "rest")).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
            assertThat(reply.status()).isEqualTo(200);
            assertThat(withoutPosition(reply.body())).isEqualTo(expected);
            assertThat(elapsedMs(started)).isLessThan(ANSWER_WITHIN_MS);
            answered.flag();
          })));
      vertxA.eventBus().<JsonObject>request(Addresses.SIGNAL_ROOM_SEND,
          new JsonObject().put("room", "ws-default").put("topic", "bus")).onComplete(ctx.succeeding(reply ->
          ctx.verify(() -> {
            assertThat(withoutPosition(reply.body())).isEqualTo(expected);
            assertThat(elapsedMs(started)).isLessThan(ANSWER_WITHIN_MS);
            answered.flag();
          })));
      assertThat(ctx.awaitCompletion(15, TimeUnit.SECONDS)).isTrue();
      if (ctx.failed()) {
        throw ctx.causeOfFailure();
      }
      // AND the clients on the answering nodes got both sends
      for (Peer peer : new Peer[] {onA, onB}) {
        assertThat(peer.nextDecrypted().getString("event")).isEqualTo("healthy");
        assertThat(Set.of(peer.nextDecrypted().getString("event"), peer.nextDecrypted().getString("event")))
            .containsExactlyInAnyOrder("rest", "bus");
      }
    }
  }

  /** A room send's answer without its offset and epoch (the history's, checked elsewhere). */
  private static JsonObject withoutPosition(JsonObject answer) {
    assertThat(answer.getValue("offset")).isInstanceOf(Number.class);
    JsonObject copy = answer.copy();
    copy.remove("offset");
    copy.remove("epoch");
    return copy;
  }

  private static long elapsedMs(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private static int send(Vertx vertx, int port, String token, String path, String topic) {
    return await(SignalTestSupport.rest(vertx, HttpMethod.POST, port, SignalRestApi.BASE + path, token,
        new JsonObject().put("topic", topic)))
        .body().getInteger("recipients");
  }

  /** Polls the list until it has {@code n} clients (directory updates are asynchronous across nodes). */
  private static JsonObject eventually(Vertx vertx, int port, String token, int n) {
    JsonObject body = null;
    for (int i = 0; i < 200; i++) {
      body = await(SignalTestSupport.rest(vertx, HttpMethod.GET, port, SignalRestApi.BASE, token, null)).body();
      if (body.getJsonArray("clients").size() == n) {
        return body;
      }
      await(vertx.timer(50));
    }
    throw new AssertionError("list never reached " + n + " clients: " + body);
  }
}
