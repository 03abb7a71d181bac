package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A small STOMP-over-WebSocket client for tests, speaking standard frames as @stomp/stompjs does: it offers
 * the v12/v11/v10.stomp subprotocols, sends each frame as one text message ending in NUL, and parses what the
 * server sends (text or binary messages, frames split or batched, EOL heart-beats skipped).
 */
final class StompTestClient {

  /** A received frame. */
  record StompFrame(String command, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name);
    }

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final WebSocketClient client;
  private final WebSocket socket;
  private final ArrayDeque<StompFrame> received = new ArrayDeque<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  private Buffer pending = Buffer.buffer();
  private int heartbeats;

  private record Waiter(Predicate<StompFrame> match, Promise<StompFrame> promise) {
  }

  private StompTestClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.handler(this::onData);
    socket.closeHandler(v -> {
      Short code = socket.closeStatusCode();
      closed.tryComplete(code == null ? (short) 1006 : code);
    });
  }

  static Future<StompTestClient> open(Vertx vertx, int port) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(1024 * 1024).setMaxMessageSize(1024 * 1024));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/websocket").setSubProtocols(List.of("v12.stomp", "v11.stomp", "v10.stomp"));
    return client.connect(options).map(ws -> new StompTestClient(client, ws)).onFailure(err -> client.close());
  }

  /** Opens a socket and completes the CONNECT → CONNECTED exchange (STOMP 1.2, no heart-beats). */
  static Future<StompTestClient> connect(Vertx vertx, int port) {
    return open(vertx, port).compose(c -> {
      c.send("CONNECT", Map.of("accept-version", "1.2,1.1,1.0", "host", "localhost", "heart-beat", "0,0"), "");
      return c.next().map(f -> {
        if (!f.command().equals("CONNECTED")) {
          throw new AssertionError("expected CONNECTED, got " + f);
        }
        return c;
      });
    });
  }

  /** Connects, subscribes to both user topics (ids sub-reg, sub-auth) and registers {@code webSocketId}. */
  static Future<StompTestClient> registered(Vertx vertx, int port, String webSocketId) {
    return connect(vertx, port).compose(c -> {
      c.subscribe("sub-reg", "/user/topic/registration");
      c.subscribe("sub-auth", "/user/topic/authorization");
      c.register(webSocketId, null);
      return c.next(f -> f.command().equals("MESSAGE") && "sub-reg".equals(f.header("subscription"))).map(f -> c);
    });
  }

  WebSocket socket() {
    return socket;
  }

  void subscribe(String id, String destination) {
    send("SUBSCRIBE", Map.of("id", id, "destination", destination), "");
  }

  void register(String webSocketId, String receipt) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("destination", "/app/registration");
    headers.put("content-type", "application/json");
    if (receipt != null) {
      headers.put("receipt", receipt);
    }
    send("SEND", headers, new JsonObject().put("webSocketId", webSocketId).encode());
  }

  /** Sends one frame as one text message, with a content-length header when there is a body. */
  Future<Void> send(String command, Map<String, String> headers, String body) {
    StringBuilder frame = new StringBuilder(command).append('\n');
    headers.forEach((k, v) -> frame.append(k).append(':').append(v).append('\n'));
    if (!body.isEmpty()) {
      frame.append("content-length:").append(body.getBytes(StandardCharsets.UTF_8).length).append('\n');
    }
    frame.append('\n').append(body).append('\0');
    return sendRaw(frame.toString());
  }

  Future<Void> sendRaw(String text) {
    return socket.writeTextMessage(text);
  }

  private synchronized void onData(Buffer data) {
    pending.appendBuffer(data);
    while (true) {
      int start = 0;
      while (start < pending.length() && (pending.getByte(start) == '\n' || pending.getByte(start) == '\r')) {
        start++;
        heartbeats++;
      }
      int end = -1;
      for (int i = start; i < pending.length(); i++) {
        if (pending.getByte(i) == 0) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        pending = pending.getBuffer(start, pending.length());
        return;
      }
      onFrame(parse(pending.getString(start, end, "UTF-8")));
      pending = pending.getBuffer(end + 1, pending.length());
    }
  }

  private static StompFrame parse(String text) {
    int blank = text.indexOf("\n\n");
    String head = blank < 0 ? text : text.substring(0, blank);
    String body = blank < 0 ? "" : text.substring(blank + 2);
    String[] lines = head.split("\r?\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.putIfAbsent(lines[i].substring(0, colon), lines[i].substring(colon + 1));
    }
    return new StompFrame(lines[0], headers, body);
  }

  private void onFrame(StompFrame frame) {
    Iterator<Waiter> it = waiters.iterator();
    while (it.hasNext()) {
      Waiter w = it.next();
      if (w.match().test(frame)) {
        it.remove();
        w.promise().complete(frame);
        return;
      }
    }
    received.add(frame);
  }

  Future<StompFrame> next() {
    return next(f -> true);
  }

  /** The first queued or future frame that matches; earlier non-matching ones stay queued. */
  synchronized Future<StompFrame> next(Predicate<StompFrame> match) {
    Iterator<StompFrame> it = received.iterator();
    while (it.hasNext()) {
      StompFrame f = it.next();
      if (match.test(f)) {
        it.remove();
        return Future.succeededFuture(f);
      }
    }
    Promise<StompFrame> promise = Promise.promise();
    waiters.add(new Waiter(match, promise));
    return promise.future();
  }

  Future<StompFrame> nextCommand(String command) {
    return next(f -> f.command().equals(command));
  }

  /**
   * A round-trip barrier: UNSUBSCRIBE of an unused id with a receipt. Once its RECEIPT is here, every frame
   * the server wrote to this session before it has arrived too, so {@link #pending()} is final for them.
   */
  Future<Void> barrier() {
    String receipt = "barrier-" + UUID.randomUUID();
    send("UNSUBSCRIBE", Map.of("id", "barrier", "receipt", receipt), "");
    return next(f -> f.command().equals("RECEIPT") && receipt.equals(f.header("receipt-id"))).mapEmpty();
  }

  /** Frames received and not yet taken. */
  synchronized List<StompFrame> pending() {
    return List.copyOf(received);
  }

  synchronized int heartbeats() {
    return heartbeats;
  }

  Future<Short> closed() {
    return closed.future();
  }

  Future<Void> close() {
    return socket.close().eventually(() -> client.close());
  }
}
