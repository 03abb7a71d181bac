package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.webflow.StompTestClient.StompFrame;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/** Notifications held for a webSocketId nobody has registered yet: all of them, in order, once, within bounds. */
class WebFlowHeldTest {

  private static final int MAX_PER_ID = 4;
  private static final long TTL_MS = 1_000;

  private static WebFlowServer server;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    server = WebFlowServer.start(new JsonObject().put("maxPendingPerId", MAX_PER_ID).put("pendingTtlMs", TTL_MS));
    vertx = server.vertx;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject notifyBus(String webSocketId, String result) {
    JsonObject body = new JsonObject().put("webSocketId", webSocketId).put("authResult", result);
    return await(vertx.eventBus().<JsonObject>request(Addresses.WEBFLOW_AUTHORIZATION, body).map(Message::body));
  }

  private static StompFrame nextAuthorization(StompTestClient c) {
    return await(c.next(f -> f.command().equals("MESSAGE") && "sub-auth".equals(f.header("subscription"))));
  }

  private static final JsonObject QUEUED = new JsonObject().put("delivered", false).put("queued", true);
  private static final JsonObject REFUSED = new JsonObject().put("delivered", false).put("queued", false);

  /** Verifies that several notifications sent before the registration all arrive, in order, exactly once. */
  @Test
  void severalHeldNotificationsArriveInOrderOnce() {
    // GIVEN three notifications for an id nobody has registered
    String id = "held-" + UUID.randomUUID();
    for (String result : List.of("FIRST", "SECOND", "THIRD")) {
      assertThat(notifyBus(id, result)).isEqualTo(QUEUED);
    }
    // WHEN a session registers the id
    StompTestClient c = await(StompTestClient.registered(vertx, server.port(), id));
    // THEN it gets all three in the order they were sent, then live ones
    for (String result : List.of("FIRST", "SECOND", "THIRD")) {
      assertThat(nextAuthorization(c).json()).isEqualTo(new JsonObject().put("webSocketId", id).put("authResult", result));
    }
    assertThat(notifyBus(id, "LIVE").getBoolean("delivered")).isTrue();
    assertThat(nextAuthorization(c).json().getString("authResult")).isEqualTo("LIVE");
    await(c.barrier());
    assertThat(c.pending()).isEmpty();
    // AND a later session taking the id over gets none of them again
    StompTestClient later = await(StompTestClient.registered(vertx, server.port(), id));
    await(c.closed());
    await(later.barrier());
    assertThat(later.pending()).isEmpty();
    await(later.close());
  }

  /** Verifies that beyond maxPendingPerId the newest notification is refused ({delivered:false, queued:false}) and never delivered. */
  @Test
  void overTheCountTheNewestIsRefused() {
    // GIVEN an id with maxPendingPerId notifications held
    String id = "full-" + UUID.randomUUID();
    for (int i = 0; i < MAX_PER_ID; i++) {
      assertThat(notifyBus(id, "N" + i)).isEqualTo(QUEUED);
    }
    // WHEN one more is sent
    JsonObject reply = notifyBus(id, "OVER");
    // THEN it is refused, and the registration gets the held ones only, in order
    assertThat(reply).isEqualTo(REFUSED);
    StompTestClient c = await(StompTestClient.registered(vertx, server.port(), id));
    for (int i = 0; i < MAX_PER_ID; i++) {
      assertThat(nextAuthorization(c).json().getString("authResult")).isEqualTo("N" + i);
    }
    await(c.barrier());
    assertThat(c.pending()).isEmpty();
    await(c.close());
  }

  /** Verifies that a notification held longer than pendingTtlMs is not delivered, while a younger one is. */
  @Test
  void expiredNotificationsAreNotDelivered() {
    // GIVEN a notification held for longer than the TTL (1 s), then a fresh one
    String id = "aged-" + UUID.randomUUID();
    assertThat(notifyBus(id, "OLD")).isEqualTo(QUEUED);
    await(Future.<Void>future(p -> vertx.setTimer(TTL_MS + 500, t -> p.complete())));
    assertThat(notifyBus(id, "FRESH")).isEqualTo(QUEUED);
    // WHEN the id is registered
    StompTestClient c = await(StompTestClient.registered(vertx, server.port(), id));
    // THEN only the fresh one arrives
    assertThat(nextAuthorization(c).json().getString("authResult")).isEqualTo("FRESH");
    await(c.barrier());
    assertThat(c.pending()).isEmpty();
    await(c.close());
  }

  /**
   * Verifies that notifications sent one after the other while the registration happens arrive exactly once and
   * in the order sent, each one the server accepted (delivered or queued), none it refused.
   */
  @Test
  void notificationsRacingTheRegistrationArriveOnceInOrder() {
    String id = "race-" + UUID.randomUUID();
    StompTestClient c = await(StompTestClient.connect(vertx, server.port()));
    c.subscribe("sub-reg", "/user/topic/registration");
    c.subscribe("sub-auth", "/user/topic/authorization");
    // GIVEN a sender that sends 12 notifications in sequence, each after the previous reply
    Future<List<String>> accepted = sendInSequence(id, 12, 0, new ArrayList<>());
    // WHEN the session registers the id meanwhile
    c.register(id, null);
    List<String> expected = await(accepted);
    await(c.next(f -> "sub-reg".equals(f.header("subscription"))));
    // THEN it receives exactly the accepted ones, in order, and nothing more
    List<String> received = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      received.add(nextAuthorization(c).json().getString("authResult"));
    }
    assertThat(received).isEqualTo(expected);
    await(c.barrier());
    assertThat(c.pending()).isEmpty();
    await(c.close());
  }

  private static Future<List<String>> sendInSequence(String id, int count, int i, List<String> accepted) {
    if (i == count) {
      return Future.succeededFuture(accepted);
    }
    JsonObject body = new JsonObject().put("webSocketId", id).put("authResult", "R" + i);
    return vertx.eventBus().<JsonObject>request(Addresses.WEBFLOW_AUTHORIZATION, body).compose(reply -> {
      if (reply.body().getBoolean("delivered") || reply.body().getBoolean("queued")) {
        accepted.add("R" + i);
      }
      return sendInSequence(id, count, i + 1, accepted);
    });
  }
}
