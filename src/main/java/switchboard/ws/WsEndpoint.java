package switchboard.ws;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.platform.ServiceMetrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The WebSocket transport every service shares, written once: upgrade checks (path, origin, per-IP and
 * total limits), message reassembly with a size cap (1009), the auth deadline, the idle timeout, ping frames
 * and protocol heart-beats, the slow-consumer policy, close on shutdown (1001) and the connection metrics.
 * Whole messages go to a {@link WsCodec}: JSON objects to a {@link WsHandler}, or STOMP frames.
 *
 * <p>Everything runs on the event loop of the verticle that calls {@link #attach(HttpServer)}. There is one
 * timer per endpoint, a sweep over the connections, and none per connection, so idle connections cost no
 * scheduled tasks.
 */
public final class WsEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(WsEndpoint.class);

  private final Vertx vertx;
  private final Set<String> paths;
  private final WsLimits limits;
  private final WsCloseCodes closeCodes;
  private final WsCodec codec;
  private final ServiceMetrics metrics;
  private final HandshakeGuard guard;
  private final Map<String, WsConnection> connections = new HashMap<>();
  private HttpServerOptions tunedOptions;
  private long sweepTimer = -1;
  /**
   * Connections that have not yet sent a whole request head, by peer address, with when they opened: the
   * sweep closes them after {@link #REQUEST_HEAD_DEADLINE}, so neither headers trickled a byte at a time
   * (slowloris) nor sockets that never send anything hold a connection for long.
   */
  private final Map<String, Unserved> unserved = new HashMap<>();

  /** How long a new connection may take to send its first request head (an upgrade or a REST call). */
  public static final java.time.Duration REQUEST_HEAD_DEADLINE = java.time.Duration.ofSeconds(10);

  private record Unserved(io.vertx.core.http.HttpConnection connection, long openedNanos) {
  }
  private long lastPingNanos = System.nanoTime();

  /** An endpoint of a JSON service: each text message is parsed and handed to {@code handler}. */
  public WsEndpoint(Vertx vertx, Set<String> paths, WsLimits limits, WsCloseCodes closeCodes,
                    List<String> allowedOrigins, WsHandler handler, ServiceMetrics metrics) {
    this(vertx, paths, limits, closeCodes, allowedOrigins, metrics, new JsonCodec(handler, limits, closeCodes, metrics));
  }

  /** An endpoint whose messages are read by {@code codec}. */
  public WsEndpoint(Vertx vertx, Set<String> paths, WsLimits limits, WsCloseCodes closeCodes,
                    List<String> allowedOrigins, ServiceMetrics metrics, WsCodec codec) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.paths = Set.copyOf(paths);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.closeCodes = Objects.requireNonNull(closeCodes, "closeCodes");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.guard = new HandshakeGuard(allowedOrigins, limits.maxConnectionsPerIp(), limits.maxConnections());
  }

  /**
   * Answers a connection over {@link WsLimits#maxConnectionsPerIp()} with the service's {@code frame} and a
   * close with {@code closeCode} instead of HTTP 429 (the default); call before {@link #attach}.
   */
  public WsEndpoint refusePerIpLimitWith(String frame, int closeCode) {
    guard.refusePerIpLimitWith(Objects.requireNonNull(frame, "frame"), closeCode);
    return this;
  }

  /**
   * Counts this endpoint's connections in {@code counts}, shared by the service's endpoints on every event
   * loop, so the per-IP and total limits hold for the node; call before {@link #attach}.
   */
  public WsEndpoint countConnectionsIn(ConnectionCounts counts) {
    guard.countIn(Objects.requireNonNull(counts, "counts"));
    return this;
  }

  WsLimits limits() {
    return limits;
  }

  WsCloseCodes closeCodes() {
    return closeCodes;
  }

  WsCodec codec() {
    return codec;
  }

  ServiceMetrics metrics() {
    return metrics;
  }

  /**
   * Sets the decoder's hard frame limit on the server options, and offers permessage-deflate only when the
   * limits say so (never the obsolete per-frame deflate).
   */
  public HttpServerOptions tune(HttpServerOptions options) {
    tunedOptions = options.setMaxWebSocketFrameSize(limits.hardFrameBytes())
        .setMaxWebSocketMessageSize(limits.hardFrameBytes())
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(limits.compression())
        // Without h2c, a connection exists (and its request-head deadline runs) from its first moment, not
        // from when its first 24 bytes have told HTTP/1 from HTTP/2 apart; no client here speaks h2c.
        .setHttp2ClearTextEnabled(false);
    return tunedOptions;
  }

  /** Takes over the server's WebSocket upgrades and starts the endpoint's sweep. */
  public void attach(HttpServer server) {
    HttpServerOptions options = tunedOptions != null ? tunedOptions : new HttpServerOptions();
    server.connectionHandler(connection -> {
      BoundedDeflate.install(connection, options, limits.maxMessageBytes());
      String peer = String.valueOf(connection.remoteAddress());
      unserved.put(peer, new Unserved(connection, System.nanoTime()));
      connection.closeHandler(v -> unserved.remove(peer));
    });
    server.webSocketHandshakeHandler(this::handleHandshake);
    server.webSocketHandler(ws -> {
    });
    sweepTimer = vertx.setPeriodic(sweepPeriodMs(), id -> sweep());
  }

  private long sweepPeriodMs() {
    long shortest = Long.MAX_VALUE;
    for (var d : List.of(limits.authTimeout(), limits.idleTimeout(), limits.slowConsumerGrace(), limits.pingInterval())) {
      if (!d.isZero()) {
        shortest = Math.min(shortest, d.toMillis());
      }
    }
    // at least once a second, so a connection outlives its token by at most that
    return shortest == Long.MAX_VALUE ? 1000 : Math.max(20, Math.min(1000, shortest / 5));
  }

  public WsConnection connection(String id) {
    return connections.get(id);
  }

  public Collection<WsConnection> connections() {
    return Collections.unmodifiableCollection(connections.values());
  }

  public int size() {
    return connections.size();
  }

  /** Stops the sweep and closes every connection with {@code code}. */
  public Future<Void> closeAll(int code, String reason) {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
      sweepTimer = -1;
    }
    List<WsConnection> open = new ArrayList<>(connections.values());
    open.forEach(c -> c.close(code, reason));
    return Future.succeededFuture();
  }

  /** A whole request head arrived on the connection from {@code peer}: it is no longer held to the deadline. */
  public void requestHeadArrived(io.vertx.core.net.SocketAddress peer) {
    unserved.remove(String.valueOf(peer));
  }

  private void handleHandshake(ServerWebSocketHandshake handshake) {
    requestHeadArrived(handshake.remoteAddress());
    long started = System.nanoTime();
    String ip = HandshakeGuard.ip(handshake);
    guard.admit(handshake, paths, metrics).onSuccess(socket -> {
      metrics.handshake(System.nanoTime() - started);
      open(socket, ip);
    });
  }

  private void open(ServerWebSocket socket, String ip) {
    WsConnection c = new WsConnection(this, socket, ip, limits);
    socket.setWriteQueueMaxSize(limits.outboundHighWaterBytes());
    socket.drainHandler(v -> c.drained());
    socket.frameHandler(frame -> onFrame(c, frame));
    socket.exceptionHandler(err -> {
      if (BoundedDeflate.isInflationLimit(err)) {
        metrics.error(WsProblem.TOO_LARGE.name());
        c.close(WsCloseCodes.MESSAGE_TOO_BIG, "message too big");
      } else {
        LOG.debug("websocket error on {}: {}", c.id(), err.toString());
      }
    });
    socket.closeHandler(v -> onClosed(c, ip));
    connections.put(c.id(), c);
    metrics.connectionOpened();
    try {
      codec.onOpen(c);
    } catch (RuntimeException e) {
      LOG.error("{} failed to open {}", metrics.service(), c.id(), e);
      c.close(WsCloseCodes.INTERNAL_ERROR, "internal error");
    }
  }

  private void onClosed(WsConnection c, String ip) {
    if (connections.remove(c.id()) == null) {
      return;
    }
    guard.released(ip);
    metrics.connectionClosed();
    try {
      codec.onClose(c);
    } catch (RuntimeException e) {
      LOG.error("{} failed to close {}", metrics.service(), c.id(), e);
    }
  }

  private void onFrame(WsConnection c, WebSocketFrame frame) {
    c.lastSeenNanos = System.nanoTime();
    if (frame.isBinary() && !codec.acceptsBinary()) {
      c.close(WsCloseCodes.UNSUPPORTED_DATA, "binary frames are not supported");
      return;
    }
    if ((frame.isText() || frame.isBinary()) && frame.isFinal() && c.fragments == null) {
      if (frame.binaryData().length() > limits.maxMessageBytes()) {
        oversize(c);
      } else {
        deliver(c, frame.binaryData(), frame.isText());
      }
      return;
    }
    if (frame.isText() || frame.isBinary() || frame.isContinuation()) {
      collectFragment(c, frame);
    }
  }

  private void collectFragment(WsConnection c, WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      c.fragments = Buffer.buffer();
      c.fragmentsText = frame.isText();
      c.discarding = false;
    }
    if (c.fragments == null) {
      return;
    }
    if (!c.discarding) {
      Buffer data = frame.binaryData();
      if (c.fragments.length() + data.length() > limits.maxMessageBytes()) {
        c.discarding = true;
      } else {
        c.fragments.appendBuffer(data);
      }
    }
    if (frame.isFinal()) {
      Buffer whole = c.fragments;
      boolean tooLarge = c.discarding;
      c.fragments = null;
      c.discarding = false;
      if (tooLarge) {
        oversize(c);
      } else {
        deliver(c, whole, c.fragmentsText);
      }
    }
  }

  private void deliver(WsConnection c, Buffer message, boolean text) {
    if (c.isOpen()) {
      codec.onMessage(c, message, text);
    }
  }

  private void oversize(WsConnection c) {
    c.oversizeStrikes++;
    if (c.oversizeStrikes >= limits.oversizeCloseAfter()) {
      metrics.error(WsProblem.TOO_LARGE.name());
      c.close(WsCloseCodes.MESSAGE_TOO_BIG, "message too big");
    } else {
      c.sendProblem(WsProblem.TOO_LARGE);
    }
  }

  /**
   * The endpoint's one timer: closes connections past their token's expiry, auth window, idle timeout or
   * slow-consumer grace, sends ping frames every ping interval and protocol heart-beats where they are due.
   */
  private void sweep() {
    long now = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    long auth = limits.authTimeout().toNanos();
    long grace = limits.slowConsumerGrace().toNanos();
    long ping = limits.pingInterval().toNanos();
    boolean pingDue = ping > 0 && now - lastPingNanos >= ping;
    long headDeadline = REQUEST_HEAD_DEADLINE.toNanos();
    for (var it = unserved.values().iterator(); it.hasNext(); ) {
      Unserved u = it.next();
      if (now - u.openedNanos() > headDeadline) {
        it.remove();
        metrics.error("REQUEST_HEAD_TIMEOUT");
        u.connection().close();
      }
    }
    if (pingDue) {
      lastPingNanos = now;
    }
    for (WsConnection c : new ArrayList<>(connections.values())) {
      if (!c.isOpen()) {
        continue;
      }
      if (c.behind && now - c.behindSinceNanos > grace) {
        c.close(closeCodes.slowConsumer(), "slow consumer");
      } else if (c.expiredAt(nowMillis)) {
        metrics.error("TOKEN_EXPIRED");
        c.close(closeCodes.tokenExpired(), "token expired");
      } else if (auth > 0 && !c.isAuthenticated() && now - c.openedAtNanos() > auth) {
        codec.onExpired(c, false);
      } else if (c.idleTimeoutNanos > 0 && now - c.lastSeenNanos > c.idleTimeoutNanos) {
        codec.onExpired(c, true);
      } else {
        if (pingDue) {
          c.ping();
        }
        c.heartbeatIfDue(now);
      }
    }
  }
}
