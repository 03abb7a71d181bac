package switchboard.securecall;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.platform.Platform;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.securecall.SecureCallFixture.expect;
import static switchboard.securecall.SecureCallFixture.frame;
import static switchboard.testing.Await.await;

/**
 * Hostile input through real sockets: each attack gets the documented ERROR or close, and a call between two
 * other clients on the same node keeps relaying while and after it happens.
 */
class SecureCallAbuseTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private Platform platform;
  private SecureCallVerticle server;
  private WsTestClient alice;
  private WsTestClient bob;
  private String callId;
  private int relayed;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
    server = SecureCallFixture.deploy(platform, SecureCallFixture.config(dataDir, new JsonObject()));
    alice = SecureCallFixture.registered(platform, server, "alice");
    bob = SecureCallFixture.registered(platform, server, "bob");
    callId = SecureCallFixture.establish(alice, bob, "bob");
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  /** The bystanders' call still relays: a candidate from alice reaches bob. */
  private void bystandersUnaffected() {
    String candidate = "candidate:" + relayed++;
    alice.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", candidate)));
    assertThat(expect(bob, "ICE_CANDIDATE").getString("candidate")).isEqualTo(candidate);
  }

  private RawWsClient attacker() {
    return await(RawWsClient.connect(vertx, server.actualPort(), SecureCallConfig.PATH));
  }

  private static JsonObject errorPayload(RawWsClient client) {
    JsonObject frame = await(client.nextJson());
    assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("ERROR");
    return frame.getJsonObject("payload");
  }

  /** The attacker's connection is still served: PING is answered with PONG. */
  private static void stillServed(RawWsClient client) {
    client.send(frame("PING", new JsonObject().put("t", 1)));
    JsonObject pong = await(client.nextJson());
    assertThat(pong.getString("type")).isEqualTo("PONG");
  }

  /** Verifies that JSON nested 10,000 deep (arrays, and objects inside a payload) is INVALID_MESSAGE, not a crash. */
  @Test
  void deeplyNestedJsonIsInvalidMessage() {
    RawWsClient raw = attacker();
    raw.sendText("[".repeat(10_000) + "]".repeat(10_000));
    assertThat(errorPayload(raw).getString("code")).isEqualTo("INVALID_MESSAGE");
    String nested = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
    raw.sendText("{\"type\":\"PING\",\"payload\":" + nested + "}");
    assertThat(errorPayload(raw).getString("code")).isEqualTo("INVALID_MESSAGE");
    stillServed(raw);
    bystandersUnaffected();
  }

  /**
   * Verifies huge numbers: 60,000 digits (within the 64 KB message limit) is INVALID_MESSAGE; a 1 MB number is
   * a frame over the 256 KB hard limit: the decoder sends 1009 and drops the connection (with the frame's rest
   * unread the kernel may reset it before the close frame is read, as 1006).
   */
  @Test
  void hugeNumbersAreRefused() {
    RawWsClient raw = attacker();
    raw.sendText("{\"type\":\"PING\",\"payload\":{\"n\":" + "9".repeat(60_000) + "}}");
    assertThat(errorPayload(raw).getString("code")).isEqualTo("INVALID_MESSAGE");
    stillServed(raw);
    bystandersUnaffected();
    raw.sendText("{\"type\":\"PING\",\"payload\":{\"n\":" + "9".repeat(1024 * 1024) + "}}");
    assertThat(await(raw.endedWith())).isIn(1009, 1006);
    bystandersUnaffected();
  }

  /**
   * Verifies that a text message whose bytes are not UTF-8 — bare, or hidden inside a JSON string — is closed
   * with 1007 before it reaches the handler, and the call beside it keeps relaying.
   */
  @Test
  void invalidUtf8IsClosedWith1007() {
    RawWsClient raw = attacker();
    raw.sendFrame(RawWsClient.TEXT, true, new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0x80, (byte) 0xC3, 0x28});
    assertThat(await(raw.endedWith())).isEqualTo(1007);
    bystandersUnaffected();
    RawWsClient hidden = attacker();
    byte[] unknownType = "{\"type\":\"..\"}".getBytes(StandardCharsets.UTF_8);
    unknownType[9] = (byte) 0xC3;
    unknownType[10] = (byte) 0x28;
    hidden.sendFrame(RawWsClient.TEXT, true, unknownType);
    assertThat(await(hidden.endedWith())).isEqualTo(1007);
    bystandersUnaffected();
  }

  /**
   * Verifies oversize messages: one over 64 KB (sent in small fragments, never buffered beyond the limit) is
   * PAYLOAD_TOO_LARGE and the connection stays; the second closes with 1009.
   */
  @Test
  void oversizeMessagesAreRefusedThenClosed() {
    RawWsClient raw = attacker();
    byte[] chunk = new byte[4096];
    Arrays.fill(chunk, (byte) 'x');
    raw.sendFrame(RawWsClient.TEXT, false, chunk);
    for (int i = 0; i < 20; i++) {
      raw.sendFrame(RawWsClient.CONTINUATION, false, chunk);
    }
    raw.sendFrame(RawWsClient.CONTINUATION, true, chunk);
    assertThat(errorPayload(raw).getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
    stillServed(raw);
    bystandersUnaffected();
    raw.sendText("{\"type\":\"PING\",\"payload\":{\"p\":\"" + "y".repeat(70 * 1024) + "\"}}");
    assertThat(await(raw.closeCode())).isEqualTo(1009);
    bystandersUnaffected();
  }

  /** Verifies that a flood is answered with RATE_LIMITED and, when it goes on, closed with 1008. */
  @Test
  void floodIsRateLimitedThenClosed() {
    RawWsClient raw = attacker();
    String ping = frame("PING", new JsonObject()).encode();
    for (int i = 0; i < 1_000; i++) {
      raw.sendText(ping);
    }
    assertThat(await(raw.next(f -> f.opcode() == RawWsClient.TEXT
        && f.json().getString("type").equals("ERROR"))).json().getJsonObject("payload").getString("code"))
        .isEqualTo("RATE_LIMITED");
    assertThat(await(raw.closeCode())).isEqualTo(1008);
    bystandersUnaffected();
  }
}
