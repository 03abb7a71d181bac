package switchboard.webflow;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.stomp.Command;
import io.vertx.ext.stomp.Frame;
import io.vertx.ext.stomp.Frames;
import io.vertx.ext.stomp.StompServerConnection;
import switchboard.ws.TokenBucket;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One STOMP session on this node: its subscriptions (id → destination), the webSocketIds it registered and
 * its frame budget. User destinations are delivered from here, to this session's subscriptions only, so a
 * {@code /user/...} destination never fans out to another session. Confined to the verticle's event loop.
 */
final class StompSession {

  /** A subscription: its destination and whether MESSAGEs need an {@code ack} header (client acks). */
  record Subscription(String destination, boolean clientAck) {
  }

  private final StompServerConnection connection;
  private final TokenBucket budget;
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final Set<String> webSocketIds = new LinkedHashSet<>();
  private long nextMessageId;
  private boolean closed;

  StompSession(StompServerConnection connection, TokenBucket budget) {
    this.connection = connection;
    this.budget = budget;
  }

  String id() {
    return connection.session();
  }

  boolean tryTakeToken(long nowNanos) {
    return budget.tryTake(nowNanos);
  }

  boolean isClosed() {
    return closed;
  }

  Map<String, Subscription> subscriptions() {
    return subscriptions;
  }

  Set<String> webSocketIds() {
    return webSocketIds;
  }

  /** Writes {@code body} as a MESSAGE to each of this session's subscriptions to {@code destination}. */
  int deliver(String destination, JsonObject body) {
    if (closed) {
      return 0;
    }
    Buffer payload = body.toBuffer();
    int written = 0;
    for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
      Subscription s = e.getValue();
      if (!s.destination().equals(destination)) {
        continue;
      }
      String messageId = id() + "-" + nextMessageId++;
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(Frame.DESTINATION, destination);
      headers.put(Frame.SUBSCRIPTION, e.getKey());
      headers.put(Frame.MESSAGE_ID, messageId);
      if (s.clientAck()) {
        headers.put(Frame.ACK, messageId);
      }
      headers.put(Frame.CONTENT_TYPE, "application/json");
      headers.put(Frame.CONTENT_LENGTH, Integer.toString(payload.length()));
      connection.write(new Frame(Command.MESSAGE, headers, payload));
      written++;
    }
    return written;
  }

  /**
   * Sends an ERROR frame (with {@code message} and the offending frame's receipt id) and closes, as STOMP
   * requires after an ERROR.
   */
  void fail(String message, Frame cause) {
    if (closed) {
      return;
    }
    Map<String, String> headers = new HashMap<>();
    if (cause != null && cause.getReceipt() != null) {
      headers.put(Frame.RECEIPT_ID, cause.getReceipt());
    }
    connection.write(Frames.createErrorFrame(message, headers, message));
    close();
  }

  void close() {
    if (!closed) {
      closed = true;
      connection.close();
    }
  }

  /** Marks the session gone once the STOMP connection has closed. */
  void markClosed() {
    closed = true;
  }
}
