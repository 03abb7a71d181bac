package switchboard.ws;

import io.vertx.core.json.JsonObject;

/**
 * What a service does with its WebSocket connections; the shared plumbing ({@link WsEndpoint}) does
 * the rest. Every method runs on the service verticle's event loop.
 */
public interface WsHandler {

  /** A connection passed the handshake checks and is open. */
  default void onOpen(WsConnection connection) {
  }

  /**
   * A text message that passed the size and rate checks and parsed as a JSON object.
   *
   * @param text the message exactly as received (for services that must hash what the client sent)
   */
  void onMessage(WsConnection connection, JsonObject message, String text);

  /** The connection closed, for whatever reason. Called once. */
  default void onClose(WsConnection connection) {
  }

  /** The service's error frame for a plumbing problem, or null to send nothing. */
  String errorFrame(WsConnection connection, WsProblem problem);
}
