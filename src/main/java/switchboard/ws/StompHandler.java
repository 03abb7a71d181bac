package switchboard.ws;

import io.vertx.ext.stomp.Frame;

/**
 * What a STOMP service does with its sessions; {@link StompCodec} does the rest (frame parsing and limits,
 * CONNECT, heart-beats, DISCONNECT). Every method runs on the endpoint's event loop.
 */
public interface StompHandler {

  /** The connection sent an accepted CONNECT and was answered with CONNECTED. */
  void onConnected(WsConnection connection);

  /**
   * A client frame after CONNECT that the codec does not answer itself: SEND, SUBSCRIBE, UNSUBSCRIBE, ACK,
   * NACK, BEGIN, COMMIT, ABORT, or a command no client may send (UNKNOWN, MESSAGE, RECEIPT, ERROR, CONNECTED).
   */
  void onFrame(WsConnection connection, Frame frame);

  /** The connection closed, for whatever reason, after {@link #onConnected}. Called once. */
  void onClose(WsConnection connection);
}
