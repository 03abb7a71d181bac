package switchboard.wallet;

import io.vertx.core.json.JsonObject;
import switchboard.ws.WsCloseCodes;

/**
 * The gateway's wire vocabulary: the WebSocket path, the frame types it sends, its error codes and close
 * codes. Every frame is {@code {type, payload}}.
 */
public final class WalletProtocol {

  public static final String WS_PATH = "/ws";
  /** Close codes: the shared defaults (no service-specific codes on this wire). */
  public static final WsCloseCodes CLOSE_CODES = WsCloseCodes.GENERIC;

  public static final String SUBSCRIBED = "SUBSCRIBED";
  public static final String UNSUBSCRIBED = "UNSUBSCRIBED";
  public static final String BALANCE_RESULT = "BALANCE_RESULT";
  public static final String BALANCE_UPDATE = "BALANCE_UPDATE";
  public static final String TRANSFER = "TRANSFER";
  public static final String ERROR = "ERROR";

  /** The {@code errorCode} values of the gateway's ERROR messages. */
  public enum ErrorCode {
    /** The frame is not a well-formed envelope, or its payload does not fit the message type. */
    INVALID_MESSAGE,
    /** The digest does not match the content, the signature is malformed or high-s, or another key signed it. */
    INVALID_SIGNATURE,
    /** The deadline is not later than the server's clock. */
    EXPIRED_DEADLINE,
    /** The deadline lies beyond the configured horizon. */
    DEADLINE_TOO_FAR,
    /** This exact signed message was already accepted (anywhere in the cluster) and has not expired yet. */
    REPLAYED,
    /** The connection is bound to another address. */
    ADDRESS_MISMATCH,
    /** The signed type is not an operation of the gateway. */
    UNKNOWN_TYPE,
    /** No ledger answered in time, or it answered something unusable. */
    LEDGER_UNAVAILABLE
  }

  private WalletProtocol() {
  }

  public static String frame(String type, JsonObject payload) {
    return new JsonObject().put("type", type).put("payload", payload).encode();
  }

  /** An ERROR frame; {@code requestId} is null when the request carried none (or an unusable one). */
  public static String error(String requestId, ErrorCode code, String message) {
    return frame(ERROR, new JsonObject().put("requestId", requestId).put("errorCode", code.name())
        .put("message", message));
  }
}
