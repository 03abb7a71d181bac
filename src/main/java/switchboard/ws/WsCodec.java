package switchboard.ws;

import io.vertx.core.buffer.Buffer;

/**
 * Turns the whole WebSocket messages {@link WsEndpoint} reassembles into a protocol's messages and hands them
 * to the service: JSON objects ({@link WsHandler}) or STOMP frames ({@link StompCodec}). The endpoint keeps
 * everything about the socket (admission, size limits, timers, back-pressure, close on shutdown); a codec
 * keeps only what its wire format needs. Every method runs on the endpoint's event loop.
 */
public interface WsCodec {

  /** A connection passed the handshake checks and is open. */
  void onOpen(WsConnection connection);

  /** One whole message within the size limit; {@code text} tells a text message from a binary one. */
  void onMessage(WsConnection connection, Buffer data, boolean text);

  /** The connection closed, for whatever reason. Called once. */
  void onClose(WsConnection connection);

  /** Whether binary messages are part of the protocol; when not, one closes the connection with 1003. */
  boolean acceptsBinary();

  /**
   * The connection did not authenticate within the auth window ({@code idle} false) or sent nothing within
   * its idle timeout ({@code idle} true); the codec says so in its own format and closes the connection.
   */
  void onExpired(WsConnection connection, boolean idle);

  /** Tells the peer, in the codec's format, about a transport problem with one of its messages. */
  void onProblem(WsConnection connection, WsProblem problem);
}
