package switchboard.webflow;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.Test;
import switchboard.testing.TestCluster;
import switchboard.testing.TestPlatform;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/** What happens to Web Flow registrations when the node holding the session dies. */
class WebFlowNodeLossTest {

  /** Verifies that after node B leaves, a page reconnecting to A can register the webSocketId it had on B and gets its notifications. */
  @Test
  void pageMovesToSurvivingNodeWithItsWebSocketId() {
    try (TestCluster cluster = TestCluster.start(2)) {
      // GIVEN a page registered on B
      WebFlowServer a = WebFlowServer.start(cluster.platform(0), new JsonObject());
      WebFlowServer b = WebFlowServer.start(cluster.platform(1), new JsonObject());
      String id = "moving-" + UUID.randomUUID();
      await(StompTestClient.registered(b.vertx, b.port(), id));
      // WHEN B leaves the cluster and the page reconnects to A with the same webSocketId
      cluster.stop(1);
      StompTestClient page = eventuallyRegistered(a, id);
      // THEN the registration is accepted and notifications sent on A reach it
      JsonObject body = new JsonObject().put("webSocketId", id).put("authResult", "CONFIRMED");
      JsonObject reply = await(a.vertx.eventBus().<JsonObject>request(switchboard.bus.Addresses.WEBFLOW_AUTHORIZATION, body)
          .map(m -> m.body()));
      assertThat(reply.getBoolean("delivered")).isTrue();
      assertThat(await(page.next(f -> "sub-auth".equals(f.header("subscription")))).json()).isEqualTo(body);
      await(page.close());
    }
  }

  /**
   * Verifies that notifications held by the node that took them in survive its abrupt loss (no graceful leave,
   * no migration): the page registers on the surviving node and gets every one, in order, once.
   */
  @Test
  void heldNotificationsSurviveTheLossOfTheNodeThatHeldThem() {
    try (TestCluster cluster = TestCluster.start(2)) {
      WebFlowServer a = WebFlowServer.start(cluster.platform(0), new JsonObject());
      WebFlowServer b = WebFlowServer.start(cluster.platform(1), new JsonObject());
      HazelcastInstance hazelcastB = hazelcast(b.vertx);
      // GIVEN an id whose held notifications B owns (each slot's partition is on B)
      String id = idOwnedBy(hazelcastB, 3);
      // AND three notifications for it posted to B's REST API while nobody has registered it
      String token = TestPlatform.minter(b.vertx).mint("bank-core", List.of("service"), 60);
      HttpClient http = b.vertx.createHttpClient();
      for (String result : List.of("FIRST", "SECOND", "THIRD")) {
        JsonObject reply = post(http, b.port(), token, new JsonObject().put("webSocketId", id).put("authResult", result));
        assertThat(reply).isEqualTo(new JsonObject().put("delivered", false).put("queued", true));
      }
      // WHEN B's Hazelcast member dies without leaving (its partitions are not handed over)
      hazelcastB.getLifecycleService().terminate();
      // AND the page registers on A
      StompTestClient page = eventuallyRegistered(a, id);
      // THEN it gets the three, in order, and nothing more
      for (String result : List.of("FIRST", "SECOND", "THIRD")) {
        assertThat(await(page.next(f -> "sub-auth".equals(f.header("subscription")))).json())
            .isEqualTo(new JsonObject().put("webSocketId", id).put("authResult", result));
      }
      await(page.barrier());
      assertThat(page.pending()).isEmpty();
      await(page.close());
    }
  }

  private static HazelcastInstance hazelcast(Vertx vertx) {
    return ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance();
  }

  /** A webSocketId whose first {@code slots} held-notification slots all have their primary on {@code owner}. */
  private static String idOwnedBy(HazelcastInstance owner, int slots) {
    while (true) {
      String id = "lost-" + UUID.randomUUID();
      boolean owned = IntStream.range(0, slots).allMatch(slot ->
          owner.getPartitionService().getPartition(id + "#" + slot).getOwner().localMember());
      if (owned) {
        return id;
      }
    }
  }

  private static JsonObject post(HttpClient http, int port, String token, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/api/authorizations").putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", "application/json");
    return await(http.request(options).compose(req -> req.send(body.toBuffer())).compose(resp -> {
      assertThat(resp.statusCode()).isEqualTo(200);
      return resp.body();
    }).map(buf -> buf.toJsonObject()));
  }

  /** Registers, trying again while the cluster settles after the loss (an ERROR until then is expected). */
  private static StompTestClient eventuallyRegistered(WebFlowServer server, String id) {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      StompTestClient c = await(StompTestClient.connect(server.vertx, server.port()));
      c.subscribe("sub-reg", "/user/topic/registration");
      c.subscribe("sub-auth", "/user/topic/authorization");
      c.register(id, null);
      StompTestClient.StompFrame answer = await(c.next(f -> f.command().equals("ERROR")
          || "sub-reg".equals(f.header("subscription"))));
      if (answer.command().equals("MESSAGE")) {
        return c;
      }
      assertThat(System.nanoTime()).as("binding of the departed node still there").isLessThan(deadline);
      await(Future.future(p -> server.vertx.setTimer(100, t -> p.complete())));
    }
  }
}
