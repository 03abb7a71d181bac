package switchboard.webflow;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.stomp.impl.HeaderCodec;
import switchboard.webflow.impl.AuthorizationNotice;
import switchboard.ws.WsConnection;

import java.nio.charset.StandardCharsets;
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
 * destination never fans out to another session. Confined to its event loop.
 *
 * <p>A MESSAGE frame is written as bytes put together here rather than through a {@code Frame} object: the
 * part fixed per subscription (command, destination, subscription) is encoded once when it is made, so a
 * notice costs its message id, its length and the body, which the caller encodes once.
 */
final class WebFlowSession {

  /**
   * A subscription: its destination, whether MESSAGEs need an {@code ack} header (client acks), and the
   * encoded start of its MESSAGE frames.
   */
  record Subscription(String destination, boolean clientAck, byte[] head) {

    static Subscription of(String id, String destination, boolean clientAck) {
      String head = "MESSAGE\n" + HEADER_DESTINATION + HeaderCodec.encode(destination, false) + "\n"
          + HEADER_SUBSCRIPTION + HeaderCodec.encode(id, false) + "\n";
      return new Subscription(destination, clientAck, head.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final String HEADER_DESTINATION = "destination:";
  private static final String HEADER_SUBSCRIPTION = "subscription:";
  private static final byte[] CONTENT_JSON = "content-type:application/json\ncontent-length:"
      .getBytes(StandardCharsets.US_ASCII);

  private final WsConnection connection;
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final Set<String> webSocketIds = new LinkedHashSet<>();
  /** webSocketIds whose held notices are being taken, with the live ones that arrived meanwhile. */
  private final Map<String, List<AuthorizationNotice>> draining = new HashMap<>();
  /** Message ids are the session id, '-' and a counter. */
  private final String messageIdPrefix;
  private long nextMessageId;

  WebFlowSession(WsConnection connection) {
    this.connection = connection;
    this.messageIdPrefix = HeaderCodec.encode(connection.id(), false) + "-";
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
    return deliver(destination, body.toBuffer());
  }

  /** Same, with the body already encoded (JSON). */
  int deliver(String destination, Buffer body) {
    if (isClosed()) {
      return 0;
    }
    int written = 0;
    for (Subscription s : subscriptions.values()) {
      if (s.destination().equals(destination) && connection.send(message(s, body))) {
        written++;
      }
    }
    return written;
  }

  /** The MESSAGE frame of {@code body} on subscription {@code s}, headers as a {@code Frame} would write them. */
  private Buffer message(Subscription s, Buffer body) {
    String messageId = messageIdPrefix + nextMessageId++;
    String headers = s.clientAck()
        ? "message-id:" + messageId + "\nack:" + messageId + "\n"
        : "message-id:" + messageId + "\n";
    String length = body.length() + "\n\n";
    Buffer frame = Buffer.buffer(s.head().length + headers.length() + CONTENT_JSON.length + length.length()
        + body.length() + 1);
    return frame.appendBytes(s.head()).appendString(headers).appendBytes(CONTENT_JSON).appendString(length)
        .appendBuffer(body).appendByte((byte) 0);
  }
}
