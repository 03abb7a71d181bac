package switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

import java.nio.charset.StandardCharsets;

import static switchboard.testing.Await.await;

/**
 * Hostile inputs for the abuse tests, sent through real sockets: oversize headers and bodies, deep nesting,
 * huge numbers, and text frames that are not UTF-8 (which no well-behaved WebSocket client can produce).
 */
public final class AbuseRequests {

  /** A header value far past the server's header limit (8 KiB). */
  public static final String HUGE_HEADER_VALUE = "x".repeat(64 * 1024);

  private AbuseRequests() {
  }

  /** {@code [[[…]]]}, {@code depth} deep. */
  public static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  /** A JSON number of {@code digits} digits. */
  public static String number(int digits) {
    return "1" + "0".repeat(digits - 1);
  }

  /** {@code {"type":"X"}} with X an invalid UTF-8 sequence (a lone continuation byte, then a truncated lead). */
  public static byte[] invalidUtf8Json() {
    byte[] head = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    byte[] bad = {(byte) 0x80, (byte) 0xC3, (byte) 0x28, (byte) 0xFF};
    byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + bad.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(bad, 0, out, head.length, bad.length);
    System.arraycopy(tail, 0, out, head.length + bad.length, tail.length);
    return out;
  }

  /** Writes {@code bytes} as one text frame, unchecked. */
  public static Future<Void> sendRawText(WsTestClient client, byte[] bytes) {
    return client.socket().writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT,
        io.netty.buffer.Unpooled.wrappedBuffer(bytes), true));
  }

  /**
   * Sends one HTTP request and answers its status; 0 when the server closed the connection without an
   * answer. {@code header} (name, value) is added when not null.
   */
  public static int status(Vertx vertx, int port, HttpMethod method, String uri, String[] header, Buffer body) {
    var client = vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri)
        .putHeader("Content-Type", "application/json");
    if (header != null) {
      options.putHeader(header[0], header[1]);
    }
    Future<Integer> f = client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .map(resp -> resp.statusCode())
        .recover(err -> Future.succeededFuture(0))
        .eventually(client::close);
    return await(f);
  }
}
