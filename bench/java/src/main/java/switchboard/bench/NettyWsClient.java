package switchboard.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens WebSocket client connections with Netty directly: a few event-loop threads serve every
 * connection, and each connection binds a source address from {@link SourceAddresses}.
 */
public final class NettyWsClient implements AutoCloseable {

  private static final int MAX_FRAME = 1 << 20;
  /** {@code -Dbench.debug=true} prints why connections fail. */
  private static final boolean DEBUG = Boolean.getBoolean("bench.debug");

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final SourceAddresses sources;

  public NettyWsClient(int threads, SourceAddresses sources) {
    this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    this.sources = sources;
    this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
  }

  /**
   * Opens a WebSocket to {@code uri}; the future completes once the upgrade is done (after
   * {@link WsLink.Listener#onOpen} ran) or fails when the connection or the upgrade does.
   *
   * @param subprotocols comma-separated subprotocols to offer, or null
   */
  public CompletableFuture<WsLink> connect(URI uri, String subprotocols, WsLink.Listener listener) {
    CompletableFuture<WsLink> result = new CompletableFuture<>();
    int port = uri.getPort() > 0 ? uri.getPort() : 80;
    WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(uri)
        .subprotocol(subprotocols)
        .version(WebSocketVersion.V13)
        .allowExtensions(false)
        .maxFramePayloadLength(MAX_FRAME)
        .handleCloseFrames(false)
        .dropPongFrames(true)
        .handshakeTimeoutMillis(15_000)
        .build();
    Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        WsLink link = new WsLink(ch);
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(16 * 1024),
            new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(MAX_FRAME),
            new LinkHandler(link, listener, result));
      }
    });
    b.connect(new InetSocketAddress(uri.getHost(), port), sources.next()).addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(f.cause());
      }
    });
    return result;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Hands text frames to the listener; answers close frames; reports the end of the connection once. */
  private static final class LinkHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    private final WsLink link;
    private final WsLink.Listener listener;
    private final CompletableFuture<WsLink> opened;

    LinkHandler(WsLink link, WsLink.Listener listener, CompletableFuture<WsLink> opened) {
      this.link = link;
      this.listener = listener;
      this.opened = opened;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        listener.onOpen(link);
        opened.complete(link);
      } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        opened.completeExceptionally(new IOException("WebSocket upgrade timed out"));
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame text) {
        listener.onText(link, text.text());
      } else if (frame instanceof BinaryWebSocketFrame binary) {
        // STOMP servers may send frames as binary messages; the protocols here are all text
        listener.onText(link, binary.content().toString(StandardCharsets.UTF_8));
      } else if (frame instanceof CloseWebSocketFrame close) {
        link.closeCode(close.statusCode() < 0 ? 1005 : close.statusCode());
        ctx.writeAndFlush(new CloseWebSocketFrame(1000, null)).addListener(f -> ctx.close());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (!opened.isDone()) {
        opened.completeExceptionally(new IOException("closed before the WebSocket upgrade ("
            + link.closeCode() + ")"));
      } else {
        listener.onClose(link, link.closeCode());
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (DEBUG) {
        cause.printStackTrace();
      }
      opened.completeExceptionally(cause);
      ctx.close();
    }
  }
}
