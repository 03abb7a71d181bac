package switchboard.webflow;

import switchboard.ws.WsCloseCodes;

/**
 * Web Flow's wire vocabulary beyond STOMP itself: the REST route, the ERROR texts of its refusals with the
 * metric code each one counts under, and the close codes of the shared transport's closes.
 */
final class WebFlowProtocol {

  /** REST route services post authorizations to. */
  static final String AUTHORIZATIONS_PATH = "/api/authorizations";

  /** Largest REST body accepted for one notice. */
  static final int MAX_REST_BODY_BYTES = 16 * 1024;

  /**
   * Largest REST body accepted for a batch: room for the most notices a batch may hold, each with the longest
   * webSocketId and authResult.
   */
  static final int MAX_BATCH_BODY_BYTES = 512 * 1024;

  /**
   * Closes the transport makes itself. A STOMP client learns why from the ERROR frame before the close, so
   * every code but 1009 (decoder), 1001 (shutdown) and slow consumer is a normal close.
   */
  static final WsCloseCodes CLOSE_CODES = new WsCloseCodes(WsCloseCodes.NORMAL, WsCloseCodes.NORMAL,
      WsCloseCodes.POLICY_VIOLATION, WsCloseCodes.NORMAL);

  /** A refusal: the ERROR frame's message and the error metric it counts under. */
  enum Refusal {
    UNKNOWN_COMMAND("INVALID_FRAME", "Unknown command"),
    SUBSCRIBE_WITHOUT_DESTINATION("INVALID_FRAME", "SUBSCRIBE requires a destination header"),
    FORBIDDEN_SUBSCRIPTION("FORBIDDEN_DESTINATION", "Subscription to this destination is not allowed"),
    SUBSCRIPTION_ID_IN_USE("INVALID_FRAME", "Subscription id already in use"),
    TOO_MANY_SUBSCRIPTIONS("TOO_MANY_SUBSCRIPTIONS", "Too many subscriptions"),
    UNSUBSCRIBE_WITHOUT_ID("INVALID_FRAME", "UNSUBSCRIBE requires an id header"),
    TRANSACTION("INVALID_FRAME", "Transactions are not supported"),
    SEND_WITHOUT_DESTINATION("INVALID_FRAME", "SEND requires a destination header"),
    FORBIDDEN_SEND("FORBIDDEN_DESTINATION", "SEND to this destination is not allowed"),
    INVALID_REGISTRATION("INVALID_REGISTRATION",
        "Registration body must be {\"webSocketId\":\"...\"} with 1-128 characters of [A-Za-z0-9._:+/=-]"),
    TOO_MANY_REGISTRATIONS("TOO_MANY_REGISTRATIONS", "Too many webSocketIds registered by this session"),
    WEBSOCKET_ID_TAKEN("WEBSOCKET_ID_TAKEN", "webSocketId is registered by another session"),
    WEBSOCKET_ID_MOVED("WEBSOCKET_ID_MOVED", "webSocketId was registered by a newer session"),
    REGISTRATION_FAILED("INTERNAL_ERROR", "Registration failed");

    final String metric;
    final String message;

    Refusal(String metric, String message) {
      this.metric = metric;
      this.message = message;
    }
  }

  private WebFlowProtocol() {
  }
}
