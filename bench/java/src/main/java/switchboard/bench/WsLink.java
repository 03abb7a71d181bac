package switchboard.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * One WebSocket connection of the load generator on a bare Netty channel (about 2 KiB per idle
 * connection, against ~13.6 KiB for a Vert.x WebSocketClient connection). Methods may be called from any
 * thread; the listener is called on the channel's event loop.
 */
public final class WsLink {

  /** Protocol logic of one connection. */
  public interface Listener {

    /** The upgrade is done: the protocol's first frame goes out here. */
    void onOpen(WsLink link);

    void onText(WsLink link, String text);

    /** The connection is gone; {@code code} is the peer's close code, or 1006 when there was none. */
    void onClose(WsLink link, int code);
  }

  /** No close frame was received: the connection dropped. */
  public static final int ABNORMAL_CLOSURE = 1006;

  private final Channel channel;
  private volatile int closeCode = ABNORMAL_CLOSURE;

  WsLink(Channel channel) {
    this.channel = channel;
  }

  /** Sends one text frame; failures show up as a closed connection. */
  public void send(String text) {
    channel.writeAndFlush(new TextWebSocketFrame(text), channel.voidPromise());
  }

  /** Sends a normal close frame and closes the socket once it is written. */
  public void close() {
    if (channel.isActive()) {
      channel.writeAndFlush(new CloseWebSocketFrame(1000, null)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** True while the socket's send buffer accepts more without queueing in user space. */
  public boolean isWritable() {
    return channel.isWritable();
  }

  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  public int closeCode() {
    return closeCode;
  }

  void closeCode(int code) {
    this.closeCode = code;
  }
}
