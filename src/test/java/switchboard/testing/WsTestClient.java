package switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real WebSocket client for tests: queues every text message it receives and lets a test wait for the
 * next one, the next one matching a predicate, or the close code, without sleeping.
 */
public final class WsTestClient {

  private final WebSocketClient client;
  private final WebSocket socket;
  private final ArrayDeque<String> received = new ArrayDeque<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  private final ArrayDeque<Promise<Void>> pongs = new ArrayDeque<>();

  private record Waiter(Predicate<String> match, Promise<String> promise) {
  }

  private WsTestClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(this::onText);
    // Some servers (vertx-stomp among them) send text protocols in binary messages.
    socket.binaryMessageHandler(data -> onText(data.toString(java.nio.charset.StandardCharsets.UTF_8)));
    socket.pongHandler(data -> nextPong().ifPresent(Promise::tryComplete));
    socket.closeHandler(v -> {
      Short code = socket.closeStatusCode();
      closed.tryComplete(code == null ? (short) 1006 : code);
      java.util.Optional<Promise<Void>> waiting;
      while ((waiting = nextPong()).isPresent()) {
        waiting.get().tryComplete();
      }
    });
  }

  public static Future<WsTestClient> connect(Vertx vertx, int port, String path) {
    return connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path));
  }

  public static Future<WsTestClient> connect(Vertx vertx, WebSocketConnectOptions options) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
    return client.connect(options).map(ws -> new WsTestClient(client, ws))
        .onFailure(err -> client.close());
  }

  private synchronized void onText(String text) {
    Iterator<Waiter> it = waiters.iterator();
    while (it.hasNext()) {
      Waiter w = it.next();
      if (w.match().test(text)) {
        it.remove();
        w.promise().complete(text);
        return;
      }
    }
    received.add(text);
  }

  public WebSocket socket() {
    return socket;
  }

  public Future<Void> send(String text) {
    return socket.writeTextMessage(text);
  }

  public Future<Void> send(JsonObject json) {
    return send(json.encode());
  }

  public Future<Void> sendBinary(Buffer data) {
    return socket.writeBinaryMessage(data);
  }

  /** The next text message not yet taken. */
  public Future<String> nextText() {
    return nextText(t -> true);
  }

  /** The first queued or future text message that matches; earlier non-matching ones stay queued. */
  public synchronized Future<String> nextText(Predicate<String> match) {
    Iterator<String> it = received.iterator();
    while (it.hasNext()) {
      String text = it.next();
      if (match.test(text)) {
        it.remove();
        return Future.succeededFuture(text);
      }
    }
    Promise<String> promise = Promise.promise();
    waiters.add(new Waiter(match, promise));
    return promise.future();
  }

  public Future<JsonObject> next() {
    return nextText().map(JsonObject::new);
  }

  public Future<JsonObject> next(Predicate<JsonObject> match) {
    return nextText(t -> {
      try {
        return match.test(new JsonObject(t));
      } catch (RuntimeException e) {
        return false;
      }
    }).map(JsonObject::new);
  }

  private synchronized java.util.Optional<Promise<Void>> nextPong() {
    return java.util.Optional.ofNullable(pongs.poll());
  }

  /**
   * A barrier: a ping the server answers only after it has handled every message sent before it. Completes
   * on the pong, or when the connection is closed (the server's answer to what was sent may be the close).
   */
  public Future<Void> roundTrip() {
    Promise<Void> pong = Promise.promise();
    synchronized (this) {
      if (isClosed()) {
        return Future.succeededFuture();
      }
      pongs.add(pong);
    }
    socket.writePing(Buffer.buffer("barrier")).onFailure(err -> pong.tryComplete());
    return pong.future();
  }

  public boolean isClosed() {
    return closed.future().isComplete();
  }

  /** Takes every message received and not yet taken. */
  public synchronized List<String> takeAll() {
    List<String> all = List.copyOf(received);
    received.clear();
    return all;
  }

  /** Messages received and not yet taken. */
  public synchronized List<String> pending() {
    return List.copyOf(received);
  }

  /** Completes with the close code the server sent (1006 when the connection dropped without one). */
  public Future<Short> closed() {
    return closed.future();
  }

  public Future<Void> close() {
    return socket.close().eventually(() -> client.close());
  }
}
