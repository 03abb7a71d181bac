package switchboard.securecall;

import io.vertx.core.json.JsonObject;

/** The wire frames: {@code {"type": ..., "payload": {...}}}; type names as the contract spells them. */
public final class Frames {

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
  public static final String TURN_CREDENTIALS = "TURN_CREDENTIALS";
  public static final String ERROR = "ERROR";

  private Frames() {
  }

  public static JsonObject frame(String type, JsonObject payload) {
    return new JsonObject().put("type", type).put("payload", payload);
  }

  public static JsonObject error(ErrorCode code, String message) {
    return frame(ERROR, new JsonObject().put("code", code.name()).put("message", message));
  }
}
