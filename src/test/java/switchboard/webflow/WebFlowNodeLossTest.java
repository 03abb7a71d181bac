package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import switchboard.testing.TestCluster;

import java.util.UUID;

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

  /** Registers until the departed node's binding has been dropped (the refusal before that is expected). */
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
