package switchboard.ws;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import switchboard.testing.Memory;
import switchboard.testing.RawWebSocket;
import switchboard.testing.WsTestClient;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Verifies the decompression-bomb defence through a raw permessage-deflate client: a ~200 KB frame that
 * inflates to 200 MB. With compression off (the default) the extension is not negotiated; with it on the
 * frame is cut off at the message limit and closed with 1009. Either way the node allocates a small
 * fraction of the bomb, and another client on the same endpoint keeps getting answers.
 */
@ExtendWith(VertxExtension.class)
class CompressionBombTest {

  private static final long BOMB_INFLATED_BYTES = 200L * 1024 * 1024;
  /** What the node may allocate while handling the bomb: far below the bomb, a few message limits. */
  private static final long ALLOCATION_BUDGET = 24L * 1024 * 1024;
  private static final Map<String, String> OFFER_DEFLATE = Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");

  private static byte[] bomb;
  private Vertx vertx;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    if (bomb == null) {
      bomb = RawWebSocket.deflateBomb(BOMB_INFLATED_BYTES, (byte) ' ');
    }
  }

  private EchoService deploy(WsLimits limits) {
    EchoService service = new EchoService(limits, List.of());
    await(vertx.deployVerticle(service));
    return service;
  }

  private static void echoes(WsTestClient client) {
    client.send(new JsonObject().put("ping", 1));
    assertThat(await(client.next()).getJsonObject("echo").getInteger("ping")).isEqualTo(1);
  }

  @Test
  void compressionIsOffByDefaultAndTheExtensionIsNotNegotiated() {
    // GIVEN an endpoint on the default limits and a bystander
    EchoService service = deploy(WsLimits.DEFAULTS);
    WsTestClient bystander = await(WsTestClient.connect(vertx, service.port, "/ws"));
    long allocatedBefore = Memory.eventLoopAllocatedBytes();
    // WHEN a client offers permessage-deflate
    try (RawWebSocket attacker = RawWebSocket.open(service.port, "/ws", OFFER_DEFLATE)) {
      // THEN the upgrade succeeds without the extension
      assertThat(attacker.status()).isEqualTo(101);
      assertThat(attacker.header("sec-websocket-extensions")).isNull();
      // AND a compressed frame sent anyway is a protocol violation that ends the connection, not inflated
      // (Vert.x drops the TCP connection without a close frame; a 1002 would do as well)
      attacker.send(1, true, true, RawWebSocket.deflateBomb(2, (byte) ' '));
      assertThat(attacker.awaitClose()).isIn(1002, -1);
    }
    // AND the bomb itself ends its connection (the server may cut TCP before the 200 KB are written)
    try (RawWebSocket attacker = RawWebSocket.open(service.port, "/ws", OFFER_DEFLATE)) {
      attacker.send(1, true, true, bomb);
      assertThat(attacker.awaitClose()).isIn(1002, -1);
    } catch (java.io.UncheckedIOException cut) {
      assertThat(cut.getCause()).isInstanceOf(java.net.SocketException.class);
    }
    long allocated = Memory.eventLoopAllocatedBytes() - allocatedBefore;
    System.out.printf("bomb, compression off: event loops allocated %d KB%n", allocated / 1024);
    assertThat(allocated).isLessThan(ALLOCATION_BUDGET);
    echoes(bystander);
  }

  @Test
  void compressionOnCutsInflationAtTheMessageLimitAndClosesWith1009() {
    // GIVEN an endpoint with compression on (64 KiB messages) and a bystander
    EchoService service = deploy(WsLimits.DEFAULTS.withCompression(true));
    WsTestClient bystander = await(WsTestClient.connect(vertx, service.port, "/ws"));
    long heapBefore = Memory.heapUsedAfterGc();
    long rssBefore = Memory.residentSetBytes();
    long allocatedBefore = Memory.eventLoopAllocatedBytes();
    try (RawWebSocket attacker = RawWebSocket.open(service.port, "/ws", OFFER_DEFLATE)) {
      // THEN permessage-deflate is negotiated
      assertThat(attacker.header("sec-websocket-extensions")).startsWith("permessage-deflate");
      // AND a small compressed message still works
      attacker.send(1, true, true, RawWebSocket.deflateBomb(2, (byte) ' '));
      // WHEN it sends ~200 KB that inflate to 200 MB
      attacker.send(1, true, true, bomb);
      // THEN it is closed with 1009
      assertThat(attacker.awaitClose()).isEqualTo(1009);
    }
    long allocated = Memory.eventLoopAllocatedBytes() - allocatedBefore;
    long heapAfter = Memory.heapUsedAfterGc();
    long rssAfter = Memory.residentSetBytes();
    System.out.printf("bomb (%d KB compressed), compression on: event loops allocated %d KB; heap %d → %d MB; "
        + "RSS %d → %d MB%n", bomb.length / 1024, allocated / 1024, heapBefore >> 20, heapAfter >> 20,
        rssBefore >> 20, rssAfter >> 20);
    assertThat(allocated).isLessThan(ALLOCATION_BUDGET);
    // inflating the 200 MB would have taken at least that much memory
    assertThat(rssAfter - rssBefore).isLessThan(64L << 20);
    // AND the bystander still gets answers
    echoes(bystander);
    assertThat(service.closes(1009)).isEqualTo(1.0);
  }

  @Test
  void compressedMessagesWithinTheLimitAreInflatedAndAnswered() {
    // GIVEN an endpoint with compression on
    EchoService service = deploy(WsLimits.DEFAULTS.withCompression(true));
    byte[] json = new JsonObject().put("pad", " ".repeat(40_000)).encode().getBytes();
    try (RawWebSocket client = RawWebSocket.open(service.port, "/ws", OFFER_DEFLATE)) {
      // WHEN it sends a compressed 40 KB message (under the 64 KiB limit)
      java.util.zip.Deflater deflater = new java.util.zip.Deflater(9, true);
      deflater.setInput(json);
      byte[] buf = new byte[json.length + 64];
      int n = deflater.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
      client.send(1, true, true, java.util.Arrays.copyOf(buf, n - 4));
      // THEN it is echoed
      RawWebSocket.Frame answer = client.read();
      assertThat(answer).isNotNull();
      assertThat(answer.opcode()).isEqualTo(1);
    }
  }
}
