package switchboard.webflow;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.webflow.StompTestClient.StompFrame;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * A client written from the Web Flow WebSocket protocol as published, and nothing else: it subscribes to the two
 * user topics, sends {@code {"webSocketId"}} to {@code /user/topic/registration} (the destination the protocol
 * names for the client's registration), and expects exactly the published answer and authorization bodies. Only
 * plain STOMP is added (CONNECT, SUBSCRIBE ids), none of Switchboard's own destinations or fields.
 */
class WebFlowSeedClientTest {

  private static final String WEB_SOCKET_ID = "12345678";
  private static final String REGISTRATION = "/user/topic/registration";
  private static final String AUTHORIZATION = "/user/topic/authorization";

  private static WebFlowServer server;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    server = WebFlowServer.start(new JsonObject());
    vertx = server.vertx;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The page as published: subscribe to both user topics, then send the registration to the registration topic. */
  private static StompTestClient page() {
    StompTestClient c = await(StompTestClient.connect(vertx, server.port()));
    c.subscribe("0", REGISTRATION);
    c.subscribe("1", AUTHORIZATION);
    c.send("SEND", Map.of("destination", REGISTRATION), "{\"webSocketId\": \"" + WEB_SOCKET_ID + "\"}");
    return c;
  }

  /** The back end's side of the published exchange: the authorization for the webSocketId. */
  private static JsonObject authorize(String authResult) {
    JsonObject body = new JsonObject().put("webSocketId", WEB_SOCKET_ID).put("authResult", authResult);
    return await(vertx.eventBus().<JsonObject>request(Addresses.WEBFLOW_AUTHORIZATION, body).map(Message::body));
  }

  private static StompFrame next(StompTestClient c, String destination) {
    return await(c.next(f -> f.command().equals("MESSAGE") && destination.equals(f.header("destination"))));
  }

  /** Verifies the published exchange: registration answer, then the authorization message, with the published bodies. */
  @Test
  void registrationAndAuthorizationAsPublished() {
    // GIVEN a page that subscribed and sent {"webSocketId": "12345678"} to /user/topic/registration
    StompTestClient page = page();
    // THEN the synchronous response on /user/topic/registration is {"webSocketId": "12345678"}
    StompFrame answer = next(page, REGISTRATION);
    assertThat(answer.header("subscription")).isEqualTo("0");
    assertThat(answer.json()).isEqualTo(new JsonObject().put("webSocketId", WEB_SOCKET_ID));
    // WHEN the authorization step completes
    authorize("CONFIRMED");
    // THEN /user/topic/authorization carries {"webSocketId": "12345678", "authResult": "CONFIRMED"}, exactly
    StompFrame authorization = next(page, AUTHORIZATION);
    assertThat(authorization.header("subscription")).isEqualTo("1");
    assertThat(authorization.json())
        .isEqualTo(new JsonObject().put("webSocketId", WEB_SOCKET_ID).put("authResult", "CONFIRMED"));
    await(page.barrier());
    assertThat(page.pending()).isEmpty();
    await(page.close());
  }

  /**
   * Verifies the published webSocketId → session mapping with the latest registration winning: the same page
   * opened again (a reload, a new tab) registers the same webSocketId and gets the authorization.
   */
  @Test
  void latestRegistrationOfTheWebSocketIdGetsTheAuthorization() {
    // GIVEN the page registered, then opened again with the same webSocketId
    StompTestClient first = page();
    next(first, REGISTRATION);
    StompTestClient again = page();
    assertThat(next(again, REGISTRATION).json()).isEqualTo(new JsonObject().put("webSocketId", WEB_SOCKET_ID));
    // WHEN the authorization step completes
    authorize("CONFIRMED");
    // THEN the latest page gets it; the first one was told with an ERROR frame and closed
    assertThat(next(again, AUTHORIZATION).json())
        .isEqualTo(new JsonObject().put("webSocketId", WEB_SOCKET_ID).put("authResult", "CONFIRMED"));
    assertThat(await(first.nextCommand("ERROR")).header("message")).isNotBlank();
    await(first.closed());
    await(again.close());
  }

  /** Verifies that an authorization that completes before the page registers is not lost: it arrives on registration. */
  @Test
  void authorizationBeforeRegistrationArrivesOnRegistration() {
    // GIVEN the step completes before the page has registered
    authorize("CONFIRMED");
    // WHEN the page registers
    StompTestClient page = page();
    // THEN it gets the registration answer, then the authorization
    assertThat(next(page, REGISTRATION).json()).isEqualTo(new JsonObject().put("webSocketId", WEB_SOCKET_ID));
    assertThat(next(page, AUTHORIZATION).json())
        .isEqualTo(new JsonObject().put("webSocketId", WEB_SOCKET_ID).put("authResult", "CONFIRMED"));
    await(page.close());
  }
}
