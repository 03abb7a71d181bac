package switchboard.abuse;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import switchboard.app.SwitchboardNode;
import switchboard.signal.client.ClientHandshake;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.ws.WsEndpoint;
import switchboard.testing.Memory;
import switchboard.testing.RawWebSocket;
import switchboard.testing.TestNode;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Attacks on a whole node through real sockets: compression offers, oversize HTTP heads and bodies,
 * deeply nested JSON, huge numbers, invalid UTF-8, half-open sockets. Each test checks the documented
 * answer, that the node allocated a bounded amount, and, after every attack, that a Signal client
 * authenticated on the same node still gets its heartbeat answered.
 */
class AbuseSuiteTest {

  /** What an attack may make the node allocate (garbage included): a few message limits, never the attack. */
  private static final long ALLOCATION_BUDGET = 32L * 1024 * 1024;
  /** The JSON services and their WebSocket paths. */
  private static final Map<String, String> JSON_SERVICES = Map.of(
      "signal", "/ws", "securecall", "/signal", "wallet", "/ws", "fingerprint", "/ws");

  private static Vertx client;
  private static SwitchboardNode node;
  private static WsTestClient bystander;

  @BeforeAll
  static void startNode() {
    client = Vertx.vertx();
    node = await(SwitchboardNode.start(TestNode.ephemeral(new JsonObject()), false), 60);
    bystander = await(WsTestClient.connect(client, port("signal"), "/ws"));
    bystander.send(new ClientHandshake(new HandshakeCrypto())
        .authenticateFrame(TestPlatform.minter(client).mint("bystander", List.of(), 3600)));
    assertThat(await(bystander.next()).getString("event")).isEqualTo("connected");
  }

  @AfterAll
  static void stopNode() {
    await(node.close(), 60);
    await(client.close());
  }

  /** The round-trip barrier after every attack: the bystander's heartbeat is answered. */
  @AfterEach
  void bystanderStillServed() {
    bystander.send("{\"event\":\"heartbeat\"}");
    assertThat(await(bystander.next(f -> "heartbeat".equals(f.getString("event"))), 10).getString("event"))
        .isEqualTo("heartbeat");
  }

  private static int port(String service) {
    return node.services().get(service).port();
  }

  @Test
  void noEndpointNegotiatesPermessageDeflateByDefault() {
    Map<String, String> offer = Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits",
        "Sec-WebSocket-Protocol", "v12.stomp");
    Map<String, String> paths = new java.util.HashMap<>(JSON_SERVICES);
    paths.put("webflow", "/websocket");
    paths.forEach((service, path) -> {
      try (RawWebSocket ws = RawWebSocket.open(port(service), path, offer)) {
        assertThat(ws.status()).as(service).isEqualTo(101);
        assertThat(ws.header("sec-websocket-extensions")).as(service).isNull();
      }
    });
  }

  /** Sends a raw HTTP request head (and body) and answers the status code of the reply. */
  private static int http(int port, String head, byte[] body) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      try {
        out.write(body);
        out.flush();
      } catch (IOException cutOff) {
        // the server may answer and close before the whole body is written
      }
      InputStream in = s.getInputStream();
      String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(statusLine.substring(9, 12));
    }
  }

  @Test
  void oversizeHeadersAreRefusedWith431OnRestAndManagement() throws IOException {
    String big = "X-Filler: " + "a".repeat(64 * 1024) + "\r\n";
    long before = Memory.eventLoopAllocatedBytes();
    for (int port : List.of(port("signal"), node.managementPort())) {
      int status = http(port, "GET /v1/api/socket/websocket/clients/status HTTP/1.1\r\nHost: x\r\n" + big + "\r\n", new byte[0]);
      assertThat(status).as("port " + port).isEqualTo(431);
    }
    assertThat(Memory.eventLoopAllocatedBytes() - before).isLessThan(ALLOCATION_BUDGET);
  }

  @Test
  void oversizeBodyOnSignalRestIsRefusedWith413() throws IOException {
    byte[] body = new byte[8 * 1024 * 1024];
    java.util.Arrays.fill(body, (byte) ' ');
    String token = TestPlatform.minter(client).mint("ops", List.of("service"), 600);
    long before = Memory.eventLoopAllocatedBytes();
    int status = http(port("signal"), "POST /v1/api/socket/websocket/clients/broadcast HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\n\r\n", body);
    assertThat(status).isEqualTo(413);
    long allocated = Memory.eventLoopAllocatedBytes() - before;
    System.out.printf("8 MB body on Signal REST: event loops allocated %d KB%n", allocated / 1024);
    assertThat(allocated).isLessThan(ALLOCATION_BUDGET);
  }

  /** Sends {@code payload} as one text message to every JSON service and answers what each one did. */
  private static Map<String, String> sendToEveryJsonService(byte[] payload) {
    Map<String, String> outcome = new java.util.TreeMap<>();
    JSON_SERVICES.forEach((service, path) -> {
      try (RawWebSocket ws = RawWebSocket.open(port(service), path, Map.of())) {
        try {
          ws.sendText(payload);
        } catch (java.io.UncheckedIOException cut) {
          // the server closed before the whole message was written; its close frame may still be readable
        }
        RawWebSocket.Frame f = ws.read();
        outcome.put(service, f == null ? "dropped" : f.opcode() == 8 ? "close " + f.closeCode()
            : new String(f.payload(), StandardCharsets.UTF_8));
      }
    });
    return outcome;
  }

  @Test
  void jsonNested10000DeepIsAnErrorFrameOrTooBig() {
    byte[] nested = ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
    long before = Memory.eventLoopAllocatedBytes();
    Map<String, String> outcome = sendToEveryJsonService(nested);
    System.out.println("JSON nested 10,000 deep: " + outcome);
    // 20 KB: within the 64 KiB services' limit (an error frame, the connection stays); over Fingerprint's 16 KiB
    outcome.forEach((service, what) -> assertThat(what).as(service).doesNotContain("INTERNAL_ERROR"));
    assertThat(outcome.get("fingerprint")).isEqualTo("close 1009");
    assertThat(outcome.get("signal")).contains("MALFORMED_JSON");
    assertThat(Memory.eventLoopAllocatedBytes() - before).isLessThan(ALLOCATION_BUDGET);
  }

  @Test
  void aOneMegabyteNumberClosesWith1009() {
    byte[] number = ("{\"n\":" + "9".repeat(1024 * 1024) + "}").getBytes(StandardCharsets.US_ASCII);
    long before = Memory.eventLoopAllocatedBytes();
    Map<String, String> outcome = sendToEveryJsonService(number);
    System.out.println("1 MB number: " + outcome);
    // the decoder cuts the frame off at hardFrameBytes; a client still writing may see TCP end instead
    outcome.forEach((service, what) -> assertThat(what).as(service).isIn("close 1009", "dropped"));
    assertThat(Memory.eventLoopAllocatedBytes() - before).isLessThan(ALLOCATION_BUDGET);
  }

  @Test
  void invalidUtf8TextFramesAreRefused() {
    byte[] invalid = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
    Map<String, String> outcome = sendToEveryJsonService(invalid);
    System.out.println("invalid UTF-8: " + outcome);
    outcome.forEach((service, what) -> assertThat(what).as(service).isEqualTo("close 1007"));
  }

  /**
   * Verifies that 2,000 sockets that never send a byte, and one that trickles its request head a byte at a
   * time (slowloris), neither stop the node nor hold their connections past the request-head deadline.
   */
  @Test
  void halfOpenAndSlowlorisSocketsAreClosedAtTheRequestHeadDeadline() throws Exception {
    List<Socket> idle = new ArrayList<>();
    long before = Memory.eventLoopAllocatedBytes();
    long opened = System.nanoTime();
    Socket slow = new Socket();
    slow.connect(new InetSocketAddress("127.0.0.1", port("signal")), 5000);
    Thread trickle = new Thread(() -> trickleRequestHead(slow), "slowloris");
    trickle.start();
    try {
      for (int i = 0; i < 2000; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port("signal")), 5000);
        idle.add(s);
      }
      // THEN the bystander (checked after the test) is served, and so is a new upgrade from the same address
      try (RawWebSocket fresh = RawWebSocket.open(port("signal"), "/ws", Map.of())) {
        assertThat(fresh.status()).isEqualTo(101);
      }
      bystanderStillServed();
      long allocated = Memory.eventLoopAllocatedBytes() - before;
      System.out.printf("2,000 half-open sockets: event loops allocated %d KB%n", allocated / 1024);
      assertThat(allocated).isLessThan(ALLOCATION_BUDGET);
      // THEN the server closes every one of them once the deadline has passed, the trickler too
      long deadlineMs = WsEndpoint.REQUEST_HEAD_DEADLINE.toMillis();
      for (Socket s : idle) {
        s.setSoTimeout((int) deadlineMs + 5000);
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      trickle.join(deadlineMs + 5000);
      assertThat(trickle.isAlive()).as("the slowloris socket is still open").isFalse();
      long tookMs = (System.nanoTime() - opened) / 1_000_000;
      System.out.printf("half-open and slowloris sockets closed after %d ms (deadline %d ms)%n", tookMs, deadlineMs);
      assertThat(tookMs).isGreaterThanOrEqualTo(deadlineMs).isLessThan(deadlineMs + 5000);
      bystanderStillServed();
    } finally {
      for (Socket s : idle) {
        s.close();
      }
      slow.close();
    }
  }

  /** Writes a request head one byte every 200 ms, forever: until the server closes the socket. */
  private static void trickleRequestHead(Socket socket) {
    byte[] head = "GET /ws HTTP/1.1\r\nHost: localhost\r\nX-Trickle: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try {
      var out = socket.getOutputStream();
      for (int i = 0; ; i++) {
        out.write(i < head.length ? head[i] : 'a');
        out.flush();
        Thread.sleep(200);
      }
    } catch (IOException | InterruptedException closed) {
      // the server closed it: what the test waits for
    }
  }
}
