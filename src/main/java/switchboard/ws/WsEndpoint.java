package switchboard.ws;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.platform.ServiceMetrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The WebSocket plumbing every JSON service shares, written once: upgrade checks (path, origin, per-IP and
 * total limits), text-frame reassembly with a size cap (1009), binary frames refused (1003), JSON parsing
 * with the service's error frame on bad input, a per-connection token bucket, the auth deadline, the idle
 * timeout, ping frames, the slow-consumer policy and close on shutdown (1001). The service sees only
 * {@link WsHandler} calls with parsed JSON objects.
 *
 * <p>Everything runs on the event loop of the verticle that calls {@link #attach(HttpServer)}; timers are
 * one sweep per endpoint rather than one per connection, so idle connections cost no scheduled tasks.
 */
public final class WsEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(WsEndpoint.class);

  private final Vertx vertx;
  private final Set<String> paths;
  private final WsLimits limits;
  private final WsCloseCodes closeCodes;
  private final WsHandler handler;
  private final ServiceMetrics metrics;
  private final HandshakeGuard guard;
  private final Map<String, WsConnection> connections = new HashMap<>();
  private final List<Long> timers = new ArrayList<>();

  public WsEndpoint(Vertx vertx, Set<String> paths, WsLimits limits, WsCloseCodes closeCodes,
                    List<String> allowedOrigins, WsHandler handler, ServiceMetrics metrics) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.paths = Set.copyOf(paths);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.closeCodes = Objects.requireNonNull(closeCodes, "closeCodes");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.guard = new HandshakeGuard(allowedOrigins, limits.maxConnectionsPerIp(), limits.maxConnections());
  }

  WsLimits limits() {
    return limits;
  }

  WsCloseCodes closeCodes() {
    return closeCodes;
  }

  WsHandler handler() {
    return handler;
  }

  ServiceMetrics metrics() {
    return metrics;
  }

  /** Sets the decoder's hard frame limit on the server options. */
  public HttpServerOptions tune(HttpServerOptions options) {
    return options.setMaxWebSocketFrameSize(limits.hardFrameBytes())
        .setMaxWebSocketMessageSize(limits.hardFrameBytes());
  }

  /** Takes over the server's WebSocket upgrades and starts the endpoint's timers. */
  public void attach(HttpServer server) {
    server.webSocketHandshakeHandler(this::handleHandshake);
    server.webSocketHandler(ws -> {
    });
    long sweep = sweepPeriodMs();
    if (sweep > 0) {
      timers.add(vertx.setPeriodic(sweep, id -> sweep()));
    }
    if (!limits.pingInterval().isZero()) {
      timers.add(vertx.setPeriodic(limits.pingInterval().toMillis(), id -> connections.values().forEach(WsConnection::ping)));
    }
  }

  private long sweepPeriodMs() {
    long shortest = Long.MAX_VALUE;
    for (var d : List.of(limits.authTimeout(), limits.idleTimeout(), limits.slowConsumerGrace())) {
      if (!d.isZero()) {
        shortest = Math.min(shortest, d.toMillis());
      }
    }
    return shortest == Long.MAX_VALUE ? 0 : Math.max(50, Math.min(1000, shortest / 5));
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

  /** Stops the timers and closes every connection with {@code code}; completes when all are closed. */
  public Future<Void> closeAll(int code, String reason) {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    List<WsConnection> open = new ArrayList<>(connections.values());
    open.forEach(c -> c.close(code, reason));
    return Future.succeededFuture();
  }

  private void handleHandshake(ServerWebSocketHandshake handshake) {
    String ip = HandshakeGuard.ip(handshake);
    guard.admit(handshake, paths, metrics).onSuccess(socket -> open(socket, ip));
  }

  private void open(ServerWebSocket socket, String ip) {
    WsConnection c = new WsConnection(this, socket, ip, limits);
    socket.setWriteQueueMaxSize(limits.outboundHighWaterBytes());
    socket.drainHandler(v -> c.drained());
    socket.frameHandler(frame -> onFrame(c, frame));
    socket.exceptionHandler(err -> LOG.debug("websocket error on {}: {}", c.id(), err.toString()));
    socket.closeHandler(v -> onClosed(c, ip));
    connections.put(c.id(), c);
    metrics.connectionOpened();
    try {
      handler.onOpen(c);
    } catch (RuntimeException e) {
      LOG.error("onOpen failed for {}", c.id(), e);
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
      handler.onClose(c);
    } catch (RuntimeException e) {
      LOG.error("onClose failed for {}", c.id(), e);
    }
  }

  private void onFrame(WsConnection c, WebSocketFrame frame) {
    c.lastSeenNanos = System.nanoTime();
    if (frame.isBinary()) {
      c.close(WsCloseCodes.UNSUPPORTED_DATA, "binary frames are not supported");
      return;
    }
    if (frame.isText() && frame.isFinal() && c.fragments == null) {
      if (frame.binaryData().length() > limits.maxMessageBytes()) {
        oversize(c);
      } else {
        onText(c, frame.textData());
      }
      return;
    }
    if (frame.isText() || frame.isContinuation()) {
      collectFragment(c, frame);
    }
  }

  private void collectFragment(WsConnection c, WebSocketFrame frame) {
    if (frame.isText()) {
      c.fragments = Buffer.buffer();
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
        onText(c, new String(whole.getBytes(), StandardCharsets.UTF_8));
      }
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

  private void onText(WsConnection c, String text) {
    metrics.messageIn();
    if (!c.tryTakeToken(c.lastSeenNanos)) {
      c.rateStrikes++;
      if (c.rateStrikes >= limits.rateLimitCloseAfter()) {
        metrics.error(WsProblem.RATE_LIMITED.name());
        c.close(closeCodes.abuse(), "rate limit exceeded");
      } else {
        c.sendProblem(WsProblem.RATE_LIMITED);
      }
      return;
    }
    c.rateStrikes = 0;
    JsonObject json;
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(text);
      if (!(parsed instanceof JsonObject obj)) {
        c.sendProblem(WsProblem.MALFORMED_JSON);
        return;
      }
      json = obj;
    } catch (DecodeException e) {
      c.sendProblem(WsProblem.MALFORMED_JSON);
      return;
    }
    try {
      handler.onMessage(c, json, text);
    } catch (RuntimeException e) {
      LOG.error("{} handler failed on a message from {}", metrics.service(), c.id(), e);
      c.sendProblem(WsProblem.INTERNAL_ERROR);
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    long auth = limits.authTimeout().toNanos();
    long idle = limits.idleTimeout().toNanos();
    long grace = limits.slowConsumerGrace().toNanos();
    List<WsConnection> expired = null;
    for (WsConnection c : connections.values()) {
      if ((auth > 0 && !c.isAuthenticated() && now - c.openedAtNanos() > auth)
          || (idle > 0 && now - c.lastSeenNanos > idle)
          || (c.behind && now - c.behindSinceNanos > grace)) {
        if (expired == null) {
          expired = new ArrayList<>();
        }
        expired.add(c);
      }
    }
    if (expired == null) {
      return;
    }
    for (WsConnection c : expired) {
      if (auth > 0 && !c.isAuthenticated() && now - c.openedAtNanos() > auth) {
        c.close(closeCodes.authTimeout(), "authentication timeout");
      } else if (c.behind && now - c.behindSinceNanos > grace) {
        c.close(closeCodes.slowConsumer(), "slow consumer");
      } else {
        c.close(closeCodes.idle(), "idle timeout");
      }
    }
  }
}
