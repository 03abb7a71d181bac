package switchboard.signal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.signal.SignalTestSupport.Peer;
import switchboard.testing.TestCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.signal.SignalTestSupport.token;
import static switchboard.testing.Await.await;

/** Verifies Signal across a real two-node Hazelcast cluster. */
class SignalClusterTest {

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
      assertThat(onA.ws.pending()).isEmpty();
      // WHEN A stops
      cluster.stop(0);
      // THEN A's client disappears from B's list, and B's remains
      JsonObject after = eventually(vertxB, portB, admin, 1);
      assertThat(after.getJsonArray("clients").getJsonObject(0).getString("id")).isEqualTo(onB.id());
      assertThat(send(vertxB, portB, admin, "/broadcast", "still")).isEqualTo(1);
    }
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
