package switchboard.securecall;

import io.vertx.core.json.JsonObject;
import switchboard.ws.WsCloseCodes;

import java.util.regex.Pattern;

/**
 * The SecureCall wire contract in one place (docs/securecall.md): frames {@code {"type": ..., "payload": {...}}}
 * with type names as the contract spells them, the error codes of ERROR frames, and the close codes.
 */
public final class SecureCallProtocol {

  public static final String REGISTER = "REGISTER";
  public static final String REGISTERED = "REGISTERED";
  public static final String PING = "PING";
  public static final String PONG = "PONG";
  public static final String CALL_INITIATE = "CALL_INITIATE";
  public static final String CALL_INITIATED = "CALL_INITIATED";
  public static final String INCOMING_CALL = "INCOMING_CALL";
  public static final String CALL_ACCEPT = "CALL_ACCEPT";
  public static final String CALL_ACCEPTED = "CALL_ACCEPTED";
  public static final String CALL_REJECT = "CALL_REJECT";
  public static final String CALL_REJECTED = "CALL_REJECTED";
  public static final String CALL_END = "CALL_END";
  public static final String CALL_ENDED = "CALL_ENDED";
  public static final String ICE_CANDIDATE = "ICE_CANDIDATE";
  public static final String PKD_REGISTER = "PKD_REGISTER";
  public static final String PKD_LOOKUP = "PKD_LOOKUP";
  public static final String PKD_RESULT = "PKD_RESULT";
  public static final String PKD_CHALLENGE = "PKD_CHALLENGE";
  public static final String TURN_CREDENTIALS = "TURN_CREDENTIALS";
  public static final String ERROR = "ERROR";

  /** The {@code code} of an ERROR frame: exactly the contract's list. */
  public enum ErrorCode {
    INVALID_MESSAGE,
    PAYLOAD_TOO_LARGE,
    NOT_REGISTERED,
    INVALID_CLIENT_ID,
    CLIENT_ID_TAKEN,
    TARGET_OFFLINE,
    CALL_NOT_FOUND,
    NOT_A_PARTICIPANT,
    KEY_NOT_FOUND,
    INVALID_SIGNATURE,
    RATE_LIMITED,
    INTERNAL_ERROR
  }

  /** No REGISTER within the register window. */
  public static final int CLOSE_REGISTER_TIMEOUT = 4001;
  /** No message within the idle timeout. */
  public static final int CLOSE_IDLE_TIMEOUT = 4002;
  /** Another connection registered this connection's clientId (proven by a token, or this one failed a probe). */
  public static final int CLOSE_REPLACED = 4004;
  /** The client stopped reading. */
  public static final int CLOSE_SLOW_CONSUMER = 4009;
  public static final WsCloseCodes CLOSE_CODES = new WsCloseCodes(CLOSE_REGISTER_TIMEOUT, CLOSE_IDLE_TIMEOUT,
      CLOSE_SLOW_CONSUMER, WsCloseCodes.POLICY_VIOLATION);

  /** The format of client ids and call ids. */
  public static final Pattern CLIENT_ID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
  public static final String CLIENT_ID_RULE = "must match ^[a-zA-Z0-9_-]{1,64}$";

  private SecureCallProtocol() {
  }

  public static JsonObject frame(String type, JsonObject payload) {
    return new JsonObject().put("type", type).put("payload", payload);
  }

  public static JsonObject error(ErrorCode code, String message) {
    return frame(ERROR, new JsonObject().put("code", code.name()).put("message", message));
  }

  /** A payload member that must be a non-empty string, or null. */
  public static String string(JsonObject payload, String name) {
    return payload.getValue(name) instanceof String s && !s.isEmpty() ? s : null;
  }

  /** A payload member that must be a client id (or call id), or null. */
  public static String id(JsonObject payload, String name) {
    String value = string(payload, name);
    return value != null && CLIENT_ID.matcher(value).matches() ? value : null;
  }
}
