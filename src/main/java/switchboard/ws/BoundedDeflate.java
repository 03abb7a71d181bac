package switchboard.ws;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * permessage-deflate with an inflation limit. Vert.x builds Netty's handshaker without one (a 200 KB frame
 * can inflate to gigabytes) and has no option for it, so each new HTTP/1 connection gets its extension
 * handler replaced, through Vert.x internals, by one whose decoder stops at {@code maxInflatedBytes} per
 * frame with a {@link DecompressionException}; the endpoint turns that into close 1009. The negotiation
 * parameters are Vert.x's own, so clients see the same extension answer.
 */
final class BoundedDeflate {

  /** The name Vert.x gives the extension handler in each connection's pipeline. */
  static final String HANDLER_NAME = "webSocketExtensionHandler";
  private static final int MAX_WINDOW_BITS = 15;

  private BoundedDeflate() {
  }

  /**
   * Replaces the unbounded extension handler of {@code connection}. A connection whose pipeline cannot be
   * reached is closed rather than served with unbounded inflation.
   */
  static void install(HttpConnection connection, HttpServerOptions options, int maxInflatedBytes) {
    if (!(connection instanceof ConnectionBase base)) {
      connection.close();
      return;
    }
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    if (pipeline.get(HANDLER_NAME) == null) {
      return;
    }
    pipeline.replace(HANDLER_NAME, HANDLER_NAME, new WebSocketServerExtensionHandler(
        new PerMessageDeflateServerExtensionHandshaker(options.getWebSocketCompressionLevel(),
            ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(), MAX_WINDOW_BITS,
            options.getWebSocketAllowServerNoContext(), options.getWebSocketPreferredClientNoContext(),
            maxInflatedBytes)));
  }

  /** Whether {@code error} is the decoder refusing to inflate past the limit. */
  static boolean isInflationLimit(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof DecompressionException) {
        return true;
      }
    }
    return false;
  }
}
