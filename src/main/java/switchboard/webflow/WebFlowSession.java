package switchboard.webflow;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.stomp.Command;
import io.vertx.ext.stomp.Frame;
import switchboard.ws.StompCodec;
import switchboard.ws.WsConnection;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One STOMP session on this node: its subscriptions (id → destination) and the webSocketIds it registered.
 * User destinations are delivered from here, to this session's subscriptions only, so a {@code /user/...}
 * destination never fans out to another session. Confined to the verticle's event loop.
 */
final class WebFlowSession {

  /** A subscription: its destination and whether MESSAGEs need an {@code ack} header (client acks). */
  record Subscription(String destination, boolean clientAck) {
  }

  private final WsConnection connection;
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final Set<String> webSocketIds = new LinkedHashSet<>();
  private long nextMessageId;

  WebFlowSession(WsConnection connection) {
    this.connection = connection;
  }

  /** The STOMP session id (sent in CONNECTED), which is the connection's id. */
  String id() {
    return connection.id();
  }

  WsConnection connection() {
    return connection;
  }

  boolean isClosed() {
    return !connection.isOpen();
  }

  Map<String, Subscription> subscriptions() {
    return subscriptions;
  }

  Set<String> webSocketIds() {
    return webSocketIds;
  }

  /** Writes {@code body} as a MESSAGE to each of this session's subscriptions to {@code destination}. */
  int deliver(String destination, JsonObject body) {
    if (isClosed()) {
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
      if (StompCodec.send(connection, new Frame(Command.MESSAGE, headers, payload))) {
        written++;
      }
    }
    return written;
  }
}
