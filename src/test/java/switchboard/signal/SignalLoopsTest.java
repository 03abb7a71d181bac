package switchboard.signal;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import switchboard.bus.Addresses;
import switchboard.signal.SignalTestSupport.Peer;
import switchboard.testing.TestCluster;
import switchboard.testing.TestPlatform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.signal.SignalTestSupport.token;
import static switchboard.testing.Await.await;

/**
 * Verifies Signal with several instances per node: connections spread over the event loops, and every kind of
 * send reaches exactly its clients whichever loop holds them; across nodes, a room send goes only to the
 * nodes with members of the room.
 */
@ExtendWith(VertxExtension.class)
class SignalLoopsTest {

  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Verifies that with 4 instances, 8 clients land on all 4 loops, and that a room send, a broadcast and a
   * send to one client reach exactly the clients they name.
   */
  @Test
  void sendsReachClientsOnEveryLoopAndOnlyThem() {
    SignalVerticle signal = SignalTestSupport.deploy(TestPlatform.single(vertx), new JsonObject().put("instances", 4));
    int port = signal.actualPort();
    String admin = token(vertx, "ops", "admin");
    // GIVEN 8 clients, the even ones also in ws-orders
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Peer peer = Peer.authenticated(vertx, port, token(vertx, "till-" + i, "pos"));
      if (i % 2 == 0) {
        peer.send("join", new JsonObject().put("rooms", new JsonArray().add("ws-orders")));
        await(peer.nextEvent("join"));
      }
      peers.add(peer);
    }
    // THEN they sit on all four loops
    assertThat(signal.clientsPerLoop()).hasSize(4).allMatch(n -> n > 0);
    assertThat(signal.clientsPerLoop().stream().mapToInt(Integer::intValue).sum()).isEqualTo(8);

    // WHEN the REST API sends to ws-orders, to everyone, and to each client by id
    assertThat(send(port, admin, "/rooms/ws-orders/send", "orders")).isEqualTo(4);
    assertThat(send(port, admin, "/broadcast", "all")).isEqualTo(8);
    for (Peer peer : peers) {
      assertThat(send(port, admin, "/" + peer.id() + "/send", "direct-" + peer.id())).isEqualTo(1);
    }
    // THEN each client got exactly what was meant for it, in order
    for (int i = 0; i < peers.size(); i++) {
      Peer peer = peers.get(i);
      if (i % 2 == 0) {
        assertThat(peer.nextDecrypted().getString("event")).isEqualTo("orders");
      }
      assertThat(peer.nextDecrypted().getString("event")).isEqualTo("all");
      assertThat(peer.nextDecrypted().getString("event")).isEqualTo("direct-" + peer.id());
      peer.expectNothingElse();
    }
  }

  /**
   * Verifies that a room send from a node goes to the nodes with members of the room and to no other: the
   * third node's router address sees nothing until one of its clients joins the room.
   */
  @Test
  void aRoomSendGoesOnlyToNodesWithMembers() {
    try (TestCluster cluster = TestCluster.start(3)) {
      int portA = SignalTestSupport.deploy(cluster.platform(0), new JsonObject()).actualPort();
      int portB = SignalTestSupport.deploy(cluster.platform(1), new JsonObject()).actualPort();
      int portC = SignalTestSupport.deploy(cluster.platform(2), new JsonObject()).actualPort();
      Vertx vertxC = cluster.vertx(2);
      AtomicInteger reachedC = new AtomicInteger();
      String routerC = Addresses.nodeDelivery(SignalVerticle.SERVICE, cluster.platform(2).nodeId());
      vertxC.eventBus().addInboundInterceptor(ctx -> {
        if (routerC.equals(ctx.message().address())) {
          reachedC.incrementAndGet();
        }
        ctx.next();
      });
      String admin = token(cluster.vertx(1), "ops", "admin");
      // GIVEN a client in ws-orders on A, and a client on C that is not in it
      Peer onA = Peer.authenticated(cluster.vertx(0), portA, token(cluster.vertx(0), "till-a", "pos"));
      onA.send("join", new JsonObject().put("rooms", new JsonArray().add("ws-orders")));
      await(onA.nextEvent("join"));
      Peer onC = Peer.authenticated(vertxC, portC, token(vertxC, "till-c", "pos"));

      // WHEN B sends to ws-orders
      assertThat(sendVia(cluster.vertx(1), portB, admin, "/rooms/ws-orders/send", "first")).isEqualTo(1);
      // THEN A's client gets it, and C's router was never asked (C's client saw nothing either)
      assertThat(onA.nextDecrypted().getString("event")).isEqualTo("first");
      onC.expectNothingElse();
      assertThat(reachedC).hasValue(0);

      // WHEN C's client joins ws-orders, and B sends again
      onC.send("join", new JsonObject().put("rooms", new JsonArray().add("ws-orders")));
      await(onC.nextEvent("join"));
      assertThat(sendVia(cluster.vertx(1), portB, admin, "/rooms/ws-orders/send", "second")).isEqualTo(2);
      // THEN both get it, C through its router
      assertThat(onA.nextDecrypted().getString("event")).isEqualTo("second");
      assertThat(onC.nextDecrypted().getString("event")).isEqualTo("second");
      assertThat(reachedC).hasValue(1);

      // WHEN C's client leaves and B sends once more, only A's client gets it
      onC.send("leave", new JsonObject().put("rooms", new JsonArray().add("ws-orders")));
      await(onC.nextEvent("leave"));
      assertThat(sendVia(cluster.vertx(1), portB, admin, "/rooms/ws-orders/send", "third")).isEqualTo(1);
      assertThat(onA.nextDecrypted().getString("event")).isEqualTo("third");
      onC.expectNothingElse();
    }
  }

  private int send(int port, String admin, String path, String topic) {
    return sendVia(vertx, port, admin, path, topic);
  }

  private static int sendVia(Vertx from, int port, String admin, String path, String topic) {
    SignalTestSupport.Reply reply = await(SignalTestSupport.rest(from, HttpMethod.POST, port, SignalRestApi.BASE + path,
        admin, new JsonObject().put("topic", topic)));
    assertThat(reply.status()).isEqualTo(200);
    return reply.body().getInteger("recipients");
  }
}
