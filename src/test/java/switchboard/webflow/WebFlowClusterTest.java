package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.testing.TestCluster;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/** Web Flow on a real two-node Hazelcast cluster: sessions on one node, authorizations arriving on the other. */
class WebFlowClusterTest {

  private static TestCluster cluster;
  private static WebFlowServer a;
  private static WebFlowServer b;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(2);
    a = WebFlowServer.start(cluster.platform(0), new JsonObject());
    b = WebFlowServer.start(cluster.platform(1), new JsonObject());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static JsonObject notifyVia(WebFlowServer node, String webSocketId, String result) {
    JsonObject body = new JsonObject().put("webSocketId", webSocketId).put("authResult", result);
    return await(node.vertx.eventBus().<JsonObject>request(Addresses.WEBFLOW_AUTHORIZATION, body).map(Message::body));
  }

  private static StompTestClient.StompFrame nextAuthorization(StompTestClient c) {
    return await(c.next(f -> f.command().equals("MESSAGE") && "sub-auth".equals(f.header("subscription"))));
  }

  /** Verifies that an authorization sent on node B reaches the session registered on node A, and only it. */
  @Test
  void authorizationSentOnBReachesSessionOnA() {
    // GIVEN a session registered on A and another on B subscribed to the same user topics
    String idA = "a-" + UUID.randomUUID();
    StompTestClient onA = await(StompTestClient.registered(a.vertx, a.port(), idA));
    StompTestClient onB = await(StompTestClient.registered(b.vertx, b.port(), "b-" + UUID.randomUUID()));
    // WHEN the authorization for A's webSocketId is sent from B's event bus
    JsonObject reply = notifyVia(b, idA, "CONFIRMED");
    // THEN A's session gets it and B's session does not
    assertThat(reply).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    assertThat(nextAuthorization(onA).json())
        .isEqualTo(new JsonObject().put("webSocketId", idA).put("authResult", "CONFIRMED"));
    await(onB.barrier());
    assertThat(onB.pending()).isEmpty();
    await(Future.join(onA.close(), onB.close()));
  }

  /** Verifies that a notification held on B before the registration is delivered when the page registers on A. */
  @Test
  void notificationHeldOnBIsDeliveredOnRegistrationAtA() {
    // GIVEN a notification sent on B for an id nobody has registered
    String id = "held-" + UUID.randomUUID();
    assertThat(notifyVia(b, id, "CONFIRMED")).isEqualTo(new JsonObject().put("delivered", false).put("queued", true));
    // WHEN a session on A registers that id
    StompTestClient onA = await(StompTestClient.registered(a.vertx, a.port(), id));
    // THEN it receives the held notification
    assertThat(nextAuthorization(onA).json().getString("authResult")).isEqualTo("CONFIRMED");
    await(onA.close());
  }

  /** Verifies that a session on B registering a webSocketId held on A takes it over: A's session gets an ERROR and is closed. */
  @Test
  void registrationOnBMovesTheWebSocketIdFromA() {
    // GIVEN an id registered on A
    String id = "moved-" + UUID.randomUUID();
    StompTestClient older = await(StompTestClient.registered(a.vertx, a.port(), id));
    // WHEN a session on B registers it
    StompTestClient newer = await(StompTestClient.registered(b.vertx, b.port(), id));
    // THEN A's session is told with an ERROR and closed
    StompTestClient.StompFrame error = await(older.nextCommand("ERROR"));
    assertThat(error.header("message")).isEqualTo("webSocketId was registered by a newer session");
    await(older.closed());
    // AND notifications sent on either node reach B's session
    assertThat(notifyVia(a, id, "FIRST").getBoolean("delivered")).isTrue();
    assertThat(nextAuthorization(newer).json().getString("authResult")).isEqualTo("FIRST");
    assertThat(notifyVia(b, id, "SECOND").getBoolean("delivered")).isTrue();
    assertThat(nextAuthorization(newer).json().getString("authResult")).isEqualTo("SECOND");
    await(newer.close());
  }
}
