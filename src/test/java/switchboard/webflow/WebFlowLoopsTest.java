package switchboard.webflow;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.testing.TestPlatform;
import switchboard.webflow.StompTestClient.StompFrame;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Web Flow with four instances on one node (Vert.x hands new connections to the instances' loops in turn):
 * every page gets its own notices, in order, whichever loop holds it and whichever ingress (REST single,
 * REST batch, event bus) took them in, and never another page's.
 */
class WebFlowLoopsTest {

  private static final int PAGES = 8;

  private static WebFlowServer server;
  private static Vertx vertx;
  private static HttpClient http;
  private static String serviceToken;

  @BeforeAll
  static void start() {
    server = WebFlowServer.start(new JsonObject().put("instances", 4));
    vertx = server.vertx;
    http = vertx.createHttpClient();
    serviceToken = TestPlatform.minter(vertx).mint("bank-core", List.of("service"), 60);
  }

  @AfterAll
  static void stop() {
    http.close();
    server.close();
  }

  private record Answer(int status, Buffer body) {
  }

  private static Answer post(String body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(server.port()).setURI("/api/authorizations").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + serviceToken);
    return await(http.request(options).compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b))));
  }

  private static JsonObject notice(String webSocketId, String result) {
    return new JsonObject().put("webSocketId", webSocketId).put("authResult", result);
  }

  private static StompFrame nextAuthorization(StompTestClient c) {
    return await(c.next(f -> f.command().equals("MESSAGE") && "sub-auth".equals(f.header("subscription"))));
  }

  /** Verifies that pages spread over the loops each get exactly their own notices, in order, from every ingress. */
  @Test
  void pagesOnDifferentLoopsEachGetTheirOwnNotices() {
    // GIVEN eight registered pages, two per loop
    List<String> ids = new ArrayList<>();
    List<StompTestClient> pages = new ArrayList<>();
    for (int i = 0; i < PAGES; i++) {
      ids.add("loop-" + i + "-" + UUID.randomUUID());
      pages.add(await(StompTestClient.registered(vertx, server.port(), ids.get(i))));
    }
    assertThat(server.verticle.sessionCount()).isEqualTo(PAGES);
    // WHEN each gets one notice by REST, then two in one batch with the other pages', then one on the event bus
    for (int i = 0; i < PAGES; i++) {
      Answer single = post(notice(ids.get(i), "rest-" + i).encode());
      assertThat(single.status()).isEqualTo(200);
      assertThat(single.body().toJsonObject()).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    }
    JsonArray batch = new JsonArray();
    for (int i = 0; i < PAGES; i++) {
      batch.add(notice(ids.get(i), "batch-a-" + i)).add(notice(ids.get(i), "batch-b-" + i));
    }
    Answer batched = post(batch.encode());
    assertThat(batched.status()).isEqualTo(200);
    JsonArray results = batched.body().toJsonArray();
    assertThat(results).hasSize(2 * PAGES);
    results.forEach(r -> assertThat(r).isEqualTo(new JsonObject().put("delivered", true).put("queued", false)));
    for (int i = 0; i < PAGES; i++) {
      JsonObject reply = await(vertx.eventBus().<JsonObject>request(Addresses.WEBFLOW_AUTHORIZATION,
          notice(ids.get(i), "bus-" + i)).map(Message::body));
      assertThat(reply.getBoolean("delivered")).isTrue();
    }
    // THEN each page receives its four, in the order they were sent, and nothing else
    for (int i = 0; i < PAGES; i++) {
      StompTestClient page = pages.get(i);
      for (String result : List.of("rest-" + i, "batch-a-" + i, "batch-b-" + i, "bus-" + i)) {
        assertThat(nextAuthorization(page).json()).isEqualTo(notice(ids.get(i), result));
      }
    }
    for (StompTestClient page : pages) {
      await(page.barrier());
      assertThat(page.pending()).isEmpty();
      await(page.close());
    }
  }

  /** Verifies that a batch answers each item in order: delivered, held, or the error of an item that is no notice. */
  @Test
  void batchAnswersEveryItemInOrder() {
    // GIVEN one registered page and one id nobody registered
    String id = "batch-" + UUID.randomUUID();
    StompTestClient page = await(StompTestClient.registered(vertx, server.port(), id));
    String nobody = "nobody-" + UUID.randomUUID();
    // WHEN a batch holds a notice for each, an item without authResult and an item that is not an object
    JsonArray batch = new JsonArray().add(notice(id, "ONE")).add(notice(nobody, "HELD"))
        .add(new JsonObject().put("webSocketId", id)).add("not an object").add(notice(id, "TWO"));
    Answer answer = post(batch.encode());
    // THEN the answer has one result per item, and the page gets its two notices in order
    assertThat(answer.status()).isEqualTo(200);
    JsonArray results = answer.body().toJsonArray();
    assertThat(results).hasSize(5);
    assertThat(results.getJsonObject(0)).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    assertThat(results.getJsonObject(1)).isEqualTo(new JsonObject().put("delivered", false).put("queued", true));
    assertThat(results.getJsonObject(2).getString("error")).contains("authResult");
    assertThat(results.getJsonObject(3).getString("error")).contains("JSON object");
    assertThat(results.getJsonObject(4)).isEqualTo(new JsonObject().put("delivered", true).put("queued", false));
    assertThat(nextAuthorization(page).json()).isEqualTo(notice(id, "ONE"));
    assertThat(nextAuthorization(page).json()).isEqualTo(notice(id, "TWO"));
    await(page.barrier());
    assertThat(page.pending()).isEmpty();
    await(page.close());
  }

  /** Verifies that a batch of more than 1000 items, a body that is neither object nor array, or no token, are refused whole. */
  @Test
  void oversizedOrMalformedBatchesAreRefused() {
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i <= 1000; i++) {
      tooMany.add(notice("id-" + i, "R"));
    }
    assertThat(post(tooMany.encode()).status()).isEqualTo(413);
    assertThat(post("[{\"webSocketId\":").status()).isEqualTo(400);
    RequestOptions anonymous = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(server.port()).setURI("/api/authorizations").putHeader("Content-Type", "application/json");
    int status = await(http.request(anonymous).compose(req -> req.send("[]")).map(resp -> resp.statusCode()));
    assertThat(status).isEqualTo(401);
  }
}
