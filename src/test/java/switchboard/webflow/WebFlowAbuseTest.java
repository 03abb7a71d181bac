package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.webflow.StompTestClient.StompFrame;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * STOMP abuse through real sockets, each against a node where another page is registered: the abuser gets the
 * documented ERROR frame and close (or the transport's 1009), and the other page keeps receiving its
 * notifications. Limits are the tests' (body 1 KiB, frame 4 KiB, 50 frames of burst).
 */
class WebFlowAbuseTest {

  private static final int MAX_FRAME_BYTES = 4096;
  private static final String REGISTER = "SEND\ndestination:/app/registration\n";

  private static WebFlowServer server;
  private static Vertx vertx;
  private static String bystanderId;
  private static StompTestClient bystander;

  @BeforeAll
  static void start() {
    server = WebFlowServer.start(new JsonObject());
    vertx = server.vertx;
    bystanderId = "bystander-" + UUID.randomUUID();
    bystander = await(StompTestClient.registered(vertx, server.port(), bystanderId));
  }

  @AfterAll
  static void stop() {
    await(bystander.close());
    server.close();
  }

  /** The page registered before the abuse still gets a notification, end to end. */
  @AfterEach
  void bystanderStillReceives() {
    String result = "AFTER-" + UUID.randomUUID();
    JsonObject body = new JsonObject().put("webSocketId", bystanderId).put("authResult", result);
    JsonObject reply = await(vertx.eventBus().<JsonObject>request(Addresses.WEBFLOW_AUTHORIZATION, body)
        .map(Message::body));
    assertThat(reply.getBoolean("delivered")).isTrue();
    assertThat(await(bystander.next(f -> "sub-auth".equals(f.header("subscription")))).json()).isEqualTo(body);
  }

  private static StompTestClient connected() {
    return await(StompTestClient.connect(vertx, server.port()));
  }

  /** The ERROR frame the abuser gets, after which the server closes with 1000. */
  private static String errorThenClose(StompTestClient c) {
    StompFrame error = await(c.nextCommand("ERROR"));
    assertThat(await(c.closed())).isEqualTo((short) 1000);
    return error.header("message");
  }

  /** Verifies that a body whose NUL never comes is refused once past maxBodyBytes (1 KiB): ERROR, close. */
  @Test
  void bodyWithoutNulPastTheBodyLimit() {
    // GIVEN a connected session WHEN it sends a SEND whose NUL never comes, in 1000-byte messages
    StompTestClient c = connected();
    c.sendRaw(REGISTER + "\n");
    for (int i = 0; i < 5; i++) {
      c.sendRaw("x".repeat(1000));
    }
    // THEN the parser refuses the body: ERROR and a close
    assertThat(errorThenClose(c)).isEqualTo("Invalid frame received");
  }

  /** Verifies that a header line whose end never comes is refused once past maxFrameBytes (4 KiB): ERROR, close. */
  @Test
  void headerWithoutEndPastTheFrameLimit() {
    StompTestClient c = connected();
    c.sendRaw("SEND\ndestination:");
    for (int i = 0; i < 5; i++) {
      c.sendRaw("x".repeat(1000));
    }
    assertThat(errorThenClose(c)).isEqualTo("Frame too large (max " + MAX_FRAME_BYTES + " bytes)");
  }

  /** Verifies that a frame missing its NUL runs into the next frame and the merged body is refused: ERROR, close. */
  @Test
  void frameWithoutNulSwallowsTheNextFrame() {
    // GIVEN a connected session WHEN it sends a registration without NUL, then a complete SUBSCRIBE
    StompTestClient c = connected();
    c.sendRaw(REGISTER + "\n{\"webSocketId\":\"no-nul\"}");
    c.sendRaw("SUBSCRIBE\nid:s\ndestination:/user/topic/authorization\n\n\0");
    // THEN the registration body (up to the SUBSCRIBE's NUL) is not a registration: ERROR and a close
    assertThat(errorThenClose(c)).startsWith("Registration body must be");
  }

  /**
   * Verifies that a content-length longer than the body makes the frame swallow the frames after it, and the
   * resulting body is refused as a registration: ERROR, close.
   */
  @Test
  void contentLengthLongerThanTheBody() {
    // GIVEN a connected session WHEN it announces 200 body bytes, sends 22 and a NUL, then more frames
    StompTestClient c = connected();
    c.sendRaw(REGISTER + "content-length:200\n\n{\"webSocketId\":\"lie\"}\0");
    for (int i = 0; i < 4; i++) {
      c.sendRaw("SUBSCRIBE\nid:s" + i + "\ndestination:/user/topic/authorization\n\n\0");
    }
    // THEN the 200 announced bytes are not a registration: ERROR and a close
    assertThat(errorThenClose(c)).startsWith("Registration body must be");
  }

  /** Verifies that a content-length shorter than the body cuts the body short, which is refused as a registration. */
  @Test
  void contentLengthShorterThanTheBody() {
    StompTestClient c = connected();
    c.sendRaw(REGISTER + "content-length:5\n\n{\"webSocketId\":\"lie\"}\0");
    assertThat(errorThenClose(c)).startsWith("Registration body must be");
  }

  /**
   * Verifies that a content-length far beyond maxBodyBytes is not buffered up to what it announces: once more than
   * maxBodyBytes of body have come (NULs inside included), ERROR and close.
   */
  @Test
  void contentLengthBeyondTheBodyLimit() {
    StompTestClient c = connected();
    c.sendRaw(REGISTER + "content-length:100000000\n\n");
    for (int i = 0; i < 11; i++) {
      c.sendRaw("y".repeat(99) + "\0");
    }
    assertThat(errorThenClose(c)).isEqualTo("Invalid frame received");
  }

  /** Verifies that a body over maxBodyBytes (1 KiB), honestly announced, is refused: ERROR, close. */
  @Test
  void bodyOverTheBodyLimit() {
    StompTestClient c = connected();
    c.send("SEND", java.util.Map.of("destination", "/app/registration"), "x".repeat(2000));
    assertThat(errorThenClose(c)).isEqualTo("Invalid frame received");
  }

  /** Verifies that one WebSocket message over twice maxFrameBytes is closed by the transport with 1009. */
  @Test
  void messageOverTwiceTheFrameLimit() {
    StompTestClient c = connected();
    c.sendRaw(REGISTER + "\n" + "x".repeat(3 * MAX_FRAME_BYTES) + "\0");
    assertThat(await(c.closed())).isEqualTo((short) 1009);
  }

  /** Verifies that one WebSocket frame over four times maxFrameBytes is cut off by the decoder: no close frame (1006). */
  @Test
  void frameOverFourTimesTheFrameLimit() {
    StompTestClient c = connected();
    c.sendRaw(REGISTER + "\n" + "x".repeat(5 * MAX_FRAME_BYTES) + "\0");
    assertThat(await(c.closed())).isEqualTo((short) 1006);
  }

  /** Verifies that 10,000 tiny frames, one per message, hit the frame budget: ERROR "Rate limit exceeded", close. */
  @Test
  void tenThousandTinyFramesOnePerMessage() {
    StompTestClient c = connected();
    List<Future<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      writes.add(c.sendRaw("ACK\nid:" + i + "\n\n\0"));
    }
    assertThat(errorThenClose(c)).isEqualTo("Rate limit exceeded");
    await(Future.join(writes).otherwiseEmpty());
  }

  /** Verifies that 10,000 tiny frames packed into few messages hit the same budget on the first message. */
  @Test
  void tenThousandTinyFramesPacked() {
    StompTestClient c = connected();
    String frame = "ACK\nid:1\n\n\0";
    int perMessage = MAX_FRAME_BYTES / frame.length();
    List<Future<Void>> writes = new ArrayList<>();
    for (int sent = 0; sent < 10_000; sent += perMessage) {
      Buffer packed = Buffer.buffer(frame.repeat(Math.min(perMessage, 10_000 - sent)));
      writes.add(c.socket().writeBinaryMessage(packed));
    }
    assertThat(errorThenClose(c)).isEqualTo("Rate limit exceeded");
    await(Future.join(writes).otherwiseEmpty());
  }
}
