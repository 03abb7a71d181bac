package switchboard.webflow;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.stomp.Command;
import io.vertx.ext.stomp.Frame;
import switchboard.webflow.impl.AuthorizationNotice;
import switchboard.ws.StompCodec;
import switchboard.ws.WsConnection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
  /** webSocketIds whose held notices are being taken, with the live ones that arrived meanwhile. */
  private final Map<String, List<AuthorizationNotice>> draining = new HashMap<>();
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

  /**
   * Starts taking the notices held for {@code webSocketId}: until {@link #endDrain}, live notices for it wait
   * behind the held ones. False if a take is already under way.
   */
  boolean startDrain(String webSocketId) {
    return draining.putIfAbsent(webSocketId, new ArrayList<>()) == null;
  }

  /**
   * Keeps a live notice while its webSocketId's held ones are being taken, up to {@code limit}; false when no
   * take is under way or the limit is reached (the caller then delivers or holds it itself).
   */
  boolean waitBehindDrain(AuthorizationNotice notice, int limit) {
    List<AuthorizationNotice> waiting = draining.get(notice.webSocketId());
    if (waiting == null || waiting.size() >= limit) {
      return false;
    }
    return waiting.add(notice);
  }

  /** Ends a take; answers the live notices that waited for it, in arrival order. */
  List<AuthorizationNotice> endDrain(String webSocketId) {
    List<AuthorizationNotice> waiting = draining.remove(webSocketId);
    return waiting == null ? List.of() : waiting;
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
