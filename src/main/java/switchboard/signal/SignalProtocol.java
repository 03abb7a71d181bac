package switchboard.signal;

import io.vertx.core.json.JsonObject;
import switchboard.bus.NodeRouter;
import switchboard.signal.impl.SignalHub;
import switchboard.ws.WsCloseCodes;

/** The Signal wire contract in one place: event names, close codes and error codes (docs/signal.md). */
public final class SignalProtocol {

  public static final String AUTHENTICATE = "authenticate";
  public static final String CONNECTED = "connected";
  public static final String ERROR = "error";
  public static final String HEARTBEAT = "heartbeat";
  public static final String JOIN = "join";
  public static final String LEAVE = "leave";
  public static final String ENCRYPTED = "encrypted";
  public static final String REFRESH = "refresh";
  public static final String REFRESHED = "refreshed";
  /** Server → client, encrypted: the outcome of resuming one room, {@code {"<room>": {recovered, ...}}}. */
  public static final String RECOVERED = SignalHub.RECOVERED;

  /** Longest event name a client may send, and longest topic of a REST or event-bus send. */
  public static final int MAX_EVENT_NAME = 128;

  /** No authenticate within the auth window. */
  public static final int CLOSE_AUTH_TIMEOUT = 4001;
  /** Invalid, expired or missing token, or a malformed authenticate. */
  public static final int CLOSE_INVALID_TOKEN = 4002;
  /** Missing or invalid clientPublicKey. */
  public static final int CLOSE_INVALID_KEY = 4004;
  /** No frame (heartbeat or other) within the idle timeout. */
  public static final int CLOSE_HEARTBEAT_TIMEOUT = 4005;
  /** The client stopped reading. */
  public static final int CLOSE_SLOW_CONSUMER = 4009;
  /** Disconnected through the REST API or the event bus. */
  public static final int CLOSE_DISCONNECTED = 4010;
  /** Persistent abuse: rate limit, or too many undecryptable frames. */
  public static final int CLOSE_POLICY = WsCloseCodes.POLICY_VIOLATION;

  public static final WsCloseCodes CLOSE_CODES =
      new WsCloseCodes(CLOSE_AUTH_TIMEOUT, CLOSE_HEARTBEAT_TIMEOUT, CLOSE_SLOW_CONSUMER, CLOSE_POLICY,
          CLOSE_INVALID_TOKEN);

  /** Error codes of the {@code error} event (the connection stays open). */
  public static final String INVALID_MESSAGE = "INVALID_MESSAGE";
  public static final String NOT_AUTHENTICATED = "NOT_AUTHENTICATED";
  public static final String ALREADY_AUTHENTICATED = "ALREADY_AUTHENTICATED";
  public static final String ENCRYPTION_REQUIRED = "ENCRYPTION_REQUIRED";
  public static final String DECRYPTION_FAILED = "DECRYPTION_FAILED";
  public static final String UNKNOWN_ROOM = "UNKNOWN_ROOM";
  public static final String ROOM_FORBIDDEN = "ROOM_FORBIDDEN";
  public static final String REFRESH_REFUSED = "REFRESH_REFUSED";

  private SignalProtocol() {
  }

  public static String frame(String event, Object data) {
    JsonObject frame = new JsonObject().put("event", event);
    if (data != null) {
      frame.put("data", data);
    }
    return frame.encode();
  }

  public static String error(String code, String message) {
    return frame(ERROR, new JsonObject().put("code", code).put("message", message));
  }

  /** The topic of a REST or event-bus send body {@code {topic, data}}, or null when it has none valid. */
  public static String topic(JsonObject body) {
    return body != null && body.getValue("topic") instanceof String topic && !topic.isEmpty()
        && topic.length() <= MAX_EVENT_NAME ? topic : null;
  }

  /**
   * The answer of a REST or event-bus send: {@code {recipients}}, plus {@code partial: true} only when a node
   * failed or did not answer in time, so answers from a healthy cluster keep their shape.
   */
  public static JsonObject sendAnswer(NodeRouter.Reach reach) {
    JsonObject answer = new JsonObject().put("recipients", reach.recipients());
    if (reach.partial()) {
      answer.put("partial", true);
    }
    return answer;
  }

  /** The answer of a room send: {@link #sendAnswer} plus the message's {@code offset} and {@code epoch}. */
  public static JsonObject roomSendAnswer(SignalHub.RoomSend send) {
    return sendAnswer(send.reach()).put("offset", send.position().offset()).put("epoch", send.position().epoch());
  }
}
