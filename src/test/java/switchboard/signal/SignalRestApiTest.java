package switchboard.signal;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.platform.Platform;
import switchboard.signal.SignalTestSupport.Peer;
import switchboard.signal.SignalTestSupport.Reply;
import switchboard.testing.TestPlatform;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.signal.SignalTestSupport.token;
import static switchboard.testing.Await.await;
import static switchboard.testing.Await.failure;

/** Verifies Signal's REST API and its event-bus twin against real clients. */
class SignalRestApiTest {

  private Vertx vertx;
  private Platform platform;
  private int port;
  private String admin;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
    port = SignalTestSupport.deploy(platform, new JsonObject()).actualPort();
    admin = token(vertx, "ops", "admin");
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private Reply call(HttpMethod method, String path, String token, Object body) {
    return await(SignalTestSupport.rest(vertx, method, port, SignalRestApi.BASE + path, token, body));
  }

  private static JsonObject msg(String topic, Object data) {
    return new JsonObject().put("topic", topic).put("data", data);
  }

  /** Verifies that status needs no token and counts authenticated clients only. */
  @Test
  void statusWithoutAuthCountsAuthenticatedClients() {
    Peer.connect(vertx, port);
    Peer.authenticated(vertx, port, token(vertx, "alice"));
    Reply status = call(HttpMethod.GET, "/status", null, null);
    assertThat(status.status()).isEqualTo(200);
    assertThat(status.body()).isEqualTo(new JsonObject().put("isReady", true).put("clientCount", 1));
  }

  /** Verifies 401 without or with a bad token and 403 without the admin/service role, on every guarded route. */
  @Test
  void guardedRoutesAnswer401And403() {
    String user = token(vertx, "carol", "pos");
    String expired = TestPlatform.minter(vertx).mint(new JsonObject().put("roles", new JsonArray().add("admin")), "x", -5);
    String[][] routes = {{"GET", ""}, {"POST", "/broadcast"}, {"POST", "/rooms/ws-default/send"},
        {"POST", "/abc/send"}, {"POST", "/abc/disconnect"}};
    for (String[] r : routes) {
      HttpMethod m = HttpMethod.valueOf(r[0]);
      assertThat(call(m, r[1], null, msg("t", 1)).status()).as(r[1]).isEqualTo(401);
      assertThat(call(m, r[1], "garbage", msg("t", 1)).status()).as(r[1]).isEqualTo(401);
      assertThat(call(m, r[1], expired, msg("t", 1)).status()).as(r[1]).isEqualTo(401);
      assertThat(call(m, r[1], user, msg("t", 1)).status()).as(r[1]).isEqualTo(403);
    }
    assertThat(call(HttpMethod.GET, "", token(vertx, "svc", "service"), null).status()).isEqualTo(200);
  }

  /** Verifies list, broadcast, room send and client send with their {recipients} answers, decrypted by the clients. */
  @Test
  void listsAndSendsWithRecipientCounts() {
    Peer pos = Peer.authenticated(vertx, port, token(vertx, "till", "pos"));
    Peer user = Peer.authenticated(vertx, port, token(vertx, "carol"));
    pos.send("join", new JsonObject().put("rooms", new JsonArray().add("ws-orders")));
    await(pos.nextEvent("join"));
    // the list shows both, with rooms, state and node
    JsonArray clients = call(HttpMethod.GET, "", admin, null).body().getJsonArray("clients");
    assertThat(clients).hasSize(2);
    JsonObject till = clients.stream().map(JsonObject.class::cast).filter(c -> c.getString("id").equals(pos.id()))
        .findFirst().orElseThrow();
    assertThat(till.getString("userId")).isEqualTo("till");
    assertThat(till.getString("state")).isEqualTo("authenticated");
    assertThat(till.getBoolean("encrypted")).isTrue();
    assertThat(till.getJsonArray("rooms")).containsExactly("ws-default", "ws-notifications", "ws-orders");
    assertThat(till.getString("node")).isEqualTo(platform.nodeId());
    assertThat(till.getString("connectedAt")).isNotBlank();
    // broadcast reaches both
    assertThat(call(HttpMethod.POST, "/broadcast", admin, msg("order.updated", new JsonObject().put("orderId", "12345")))
        .body().getInteger("recipients")).isEqualTo(2);
    JsonObject got = pos.nextDecrypted();
    assertThat(got).isEqualTo(new JsonObject().put("event", "order.updated").put("data", new JsonObject().put("orderId", "12345")));
    assertThat(user.nextDecrypted().getString("event")).isEqualTo("order.updated");
    // room send reaches the member only
    assertThat(call(HttpMethod.POST, "/rooms/ws-orders/send", admin, msg("order.new", 7)).body().getInteger("recipients"))
        .isEqualTo(1);
    assertThat(pos.nextDecrypted().getInteger("data")).isEqualTo(7);
    // client send reaches that client
    assertThat(call(HttpMethod.POST, "/" + user.id() + "/send", admin, msg("notification", "ready"))
        .body().getInteger("recipients")).isEqualTo(1);
    assertThat(user.nextDecrypted().getString("data")).isEqualTo("ready");
    user.expectNothingElse();
  }

  /** Verifies 404 for unknown clients and rooms, 400 for bad bodies, and that a closed client leaves the list. */
  @Test
  void answersErrorsForBadRequests() {
    assertThat(call(HttpMethod.POST, "/nobody/send", admin, msg("t", 1)).status()).isEqualTo(404);
    assertThat(call(HttpMethod.POST, "/nobody/disconnect", admin, null).status()).isEqualTo(404);
    assertThat(call(HttpMethod.POST, "/rooms/ws-nope/send", admin, msg("t", 1)).status()).isEqualTo(404);
    assertThat(call(HttpMethod.POST, "/broadcast", admin, "{not json").status()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/broadcast", admin, "[1]").status()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/broadcast", admin, new JsonObject().put("data", 1)).status()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/broadcast", admin, new JsonObject().put("topic", 5)).status()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/broadcast", admin, msg("x".repeat(200), 1)).status()).isEqualTo(400);
    assertThat(call(HttpMethod.POST, "/broadcast", admin, msg("t", "z".repeat(100_000))).status()).isEqualTo(413);
    Peer peer = Peer.authenticated(vertx, port, token(vertx, "alice"));
    await(peer.ws.close());
    Reply list = null;
    for (int i = 0; i < 100; i++) {
      list = call(HttpMethod.GET, "", admin, null);
      if (list.body().getJsonArray("clients").isEmpty()) {
        break;
      }
      await(vertx.timer(20));
    }
    assertThat(list.body().getJsonArray("clients")).isEmpty();
  }

  /** Verifies the event-bus API: client send fails 404 for unknown ids, bad bodies fail 400, published broadcasts deliver. */
  @Test
  void eventBusApi() {
    Peer peer = Peer.authenticated(vertx, port, token(vertx, "alice"));
    var bus = vertx.eventBus();
    ReplyException unknown = (ReplyException) failure(bus.request(Addresses.SIGNAL_CLIENT_SEND,
        new JsonObject().put("clientId", "nobody").put("topic", "t")));
    assertThat(unknown.failureCode()).isEqualTo(404);
    ReplyException bad = (ReplyException) failure(bus.request(Addresses.SIGNAL_ROOM_SEND, new JsonObject().put("room", "ws-default")));
    assertThat(bad.failureCode()).isEqualTo(400);
    ReplyException unknownRoom = (ReplyException) failure(bus.request(Addresses.SIGNAL_ROOM_SEND,
        new JsonObject().put("room", "ws-nope").put("topic", "t")));
    assertThat(unknownRoom.failureCode()).isEqualTo(404);
    JsonObject reply = await(bus.<JsonObject>request(Addresses.SIGNAL_CLIENT_SEND,
        new JsonObject().put("clientId", peer.id()).put("topic", "direct").put("data", 1))).body();
    assertThat(reply.getInteger("recipients")).isEqualTo(1);
    assertThat(peer.nextDecrypted().getString("event")).isEqualTo("direct");
    JsonObject b = await(bus.<JsonObject>request(Addresses.SIGNAL_BROADCAST, new JsonObject().put("topic", "all"))).body();
    assertThat(b.getInteger("recipients")).isEqualTo(1);
    assertThat(peer.nextDecrypted().getString("event")).isEqualTo("all");
  }
}
