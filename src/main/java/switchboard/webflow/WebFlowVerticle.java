package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.stomp.Command;
import io.vertx.ext.stomp.Frame;
import io.vertx.ext.stomp.Frames;
import io.vertx.ext.stomp.ServerFrame;
import io.vertx.ext.stomp.StompServer;
import io.vertx.ext.stomp.StompServerConnection;
import io.vertx.ext.stomp.StompServerHandler;
import io.vertx.ext.stomp.StompServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.ServiceAuthHandler;
import switchboard.bus.Addresses;
import switchboard.bus.NodeMessage;
import switchboard.bus.NodeRouter;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.ws.HandshakeGuard;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.TokenBucket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Web Flow: STOMP 1.0–1.2 over WebSocket (vertx-stomp's server and its WebSocket bridge) with per-session
 * user destinations. A page registers its webSocketId by SENDing {@code {"webSocketId"}} to the registration
 * destination; authorization events from the event bus or REST reach the one session that registered that
 * webSocketId, on whichever node holds it, on its authorization topic.
 *
 * <p>vertx-stomp parses frames, negotiates versions and heart-beats, answers DISCONNECT and receipts; this
 * verticle owns what makes user destinations private: subscriptions are kept per session (never in a shared
 * vertx-stomp Destination), SEND is accepted only to the registration destination, and MESSAGE frames are
 * written to the target session's own subscriptions. All state is confined to this verticle's event loop.
 */
public final class WebFlowVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebFlowVerticle.class);
  private static final String SERVICE = WebFlowDefinition.NAME;

  private final Platform platform;
  private final WebFlowConfig config;
  private final ServiceMetrics metrics;
  private final Map<String, StompSession> sessions = new HashMap<>();
  private Set<String> userTopics;
  private HandshakeGuard guard;
  private Registrations registrations;
  private NodeRouter router;
  private MessageConsumer<Object> authorizations;
  private HttpServer server;
  /**
   * The socket whose data vertx-stomp is parsing: Vert.x hands each WebSocket frame to the frame handler and
   * then, in the same call, to vertx-stomp's parser, so a STOMP connection is tied to its socket here.
   */
  private SocketState receiving;

  public WebFlowVerticle(Platform platform, WebFlowConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.metrics = platform.metricsFor(SERVICE);
  }

  /** The port the HTTP/WebSocket server listens on (after start). */
  public int port() {
    return server.actualPort();
  }

  /** STOMP sessions open on this node. */
  public int sessionCount() {
    return sessions.size();
  }

  @Override
  public Future<?> start() {
    WebFlowConfig.StompLimits limits = config.stomp();
    userTopics = Set.of(config.registrationTopic(), config.authorizationTopic());
    guard = new HandshakeGuard(config.http().allowedOrigins(), limits.maxConnectionsPerIp(), limits.maxConnections());
    registrations = new Registrations(vertx, platform.cluster(), config, sessions::containsKey);
    router = new NodeRouter(vertx, platform.cluster(), SERVICE, this::onNodeMessage, config.deliveryTimeout().toMillis());

    StompServer stomp = StompServer.create(vertx, stompOptions()).handler(stompHandler());
    Handler<ServerWebSocket> stompSockets = stomp.webSocketHandler();

    HttpServerOptions options = ServiceHttpServer.options(config.http())
        .setWebSocketSubProtocols(List.of("v12.stomp", "v11.stomp", "v10.stomp"))
        .setMaxWebSocketFrameSize(2 * limits.maxFrameBytes())
        .setMaxWebSocketMessageSize(2 * limits.maxFrameBytes());
    server = vertx.createHttpServer(options)
        .requestHandler(httpRouter())
        .webSocketHandshakeHandler(this::onHandshake)
        .webSocketHandler(socket -> onWebSocket(socket, stompSockets));

    authorizations = vertx.eventBus().consumer(Addresses.WEBFLOW_AUTHORIZATION, this::onBusAuthorization);
    return Future.all(router.start(), authorizations.completion()).compose(v -> server.listen());
  }

  @Override
  public Future<?> stop() {
    new ArrayList<>(sessions.values()).forEach(StompSession::close);
    return Future.join(router.stop(), authorizations.unregister(), server.close());
  }

  private StompServerOptions stompOptions() {
    WebFlowConfig.StompLimits limits = config.stomp();
    return new StompServerOptions()
        .setWebsocketBridge(true)
        .setWebsocketPath(config.path())
        .setMaxBodyLength(limits.maxBodyBytes())
        .setMaxHeaderLength(limits.maxHeaderBytes())
        .setMaxHeaders(limits.maxHeaders())
        .setMaxSubscriptionsByClient(limits.maxSubscriptions())
        .setHeartbeat(new JsonObject().put("x", limits.heartbeatMs()).put("y", limits.heartbeatMs()))
        .setSecured(config.credentialsRequired());
  }

  private StompServerHandler stompHandler() {
    StompServerHandler handler = StompServerHandler.create(vertx)
        .receivedFrameHandler(this::onFrameReceived)
        .subscribeHandler(this::onSubscribe)
        .unsubscribeHandler(this::onUnsubscribe)
        .sendHandler(this::onSend)
        .ackHandler(this::onAck)
        .nackHandler(this::onAck)
        .beginHandler(this::refuseTransaction)
        .commitHandler(this::refuseTransaction)
        .abortHandler(this::refuseTransaction)
        .closeHandler(this::onConnectionClosed);
    if (config.credentialsRequired()) {
      handler.authProvider(credentials -> {
        if (credentials instanceof UsernamePasswordCredentials up
            && constantTimeEquals(config.login(), up.getUsername())
            && constantTimeEquals(config.passcode(), up.getPassword())) {
          return Future.succeededFuture(User.fromName(up.getUsername()));
        }
        metrics.error("BAD_CREDENTIALS");
        return Future.failedFuture("invalid login or passcode");
      });
    }
    return handler;
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }

  private Router httpRouter() {
    Router r = ServiceHttpServer.router(vertx, 16 * 1024);
    r.post("/api/authorizations")
        .handler(ServiceAuthHandler.forServices(platform.jwt()))
        .handler(this::onRestAuthorization);
    return r;
  }

  // ---- WebSocket upgrade and socket-level limits ----

  /**
   * Decides upgrades here rather than with vertx-stomp's own handshake handler (which only checks the path
   * and accepts) so the Origin allow-list and connection limits apply and a failed accept frees its slot.
   */
  private void onHandshake(ServerWebSocketHandshake handshake) {
    long started = System.nanoTime();
    guard.admit(handshake, Set.of(config.path()), metrics)
        .onSuccess(socket -> metrics.handshake(System.nanoTime() - started));
  }

  /** What this verticle knows of one WebSocket: bytes since the last frame end, and its STOMP session. */
  private static final class SocketState {
    long unterminated;
    StompSession session;
  }

  private void onWebSocket(ServerWebSocket socket, Handler<ServerWebSocket> stompSockets) {
    String ip = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
    SocketState state = new SocketState();
    metrics.connectionOpened();
    long connectDeadline = vertx.setTimer(config.stomp().connectTimeoutMs(), id -> {
      if (state.session == null) {
        metrics.error("CONNECT_TIMEOUT");
        fail(socket, "No CONNECT frame within " + config.stomp().connectTimeoutMs() + " ms");
      }
    });
    socket.closeHandler(v -> {
      vertx.cancelTimer(connectDeadline);
      guard.released(ip);
      metrics.connectionClosed();
      // vertx-stomp ends its connection on a close frame or a socket error; a close we started and the peer
      // never answered would leave the session (and its registrations) behind without this
      if (state.session != null) {
        state.session.close();
      }
    });
    socket.frameHandler(frame -> {
      receiving = state;
      checkFrameBytes(socket, frame, state);
    });
    stompSockets.handle(socket);
  }

  /**
   * Bounds the bytes a client may send without ending a STOMP frame (NUL), across WebSocket messages: the
   * frame parser would otherwise buffer a header line or a body without limit. Heart-beat EOLs do not count.
   */
  private void checkFrameBytes(ServerWebSocket socket, WebSocketFrame frame, SocketState state) {
    if (!(frame.isText() || frame.isBinary() || frame.isContinuation())) {
      return;
    }
    Buffer data = frame.binaryData();
    int lastNul = -1;
    boolean onlyEol = true;
    for (int i = 0; i < data.length(); i++) {
      byte b = data.getByte(i);
      if (b == 0) {
        lastNul = i;
      } else if (b != '\n' && b != '\r') {
        onlyEol = false;
      }
    }
    if (lastNul >= 0) {
      state.unterminated = data.length() - lastNul - 1;
    } else if (!onlyEol) {
      state.unterminated += data.length();
    }
    if (state.unterminated > config.stomp().maxFrameBytes()) {
      state.unterminated = Long.MIN_VALUE;
      metrics.error("FRAME_TOO_LARGE");
      fail(socket, "Frame too large (max " + config.stomp().maxFrameBytes() + " bytes)");
    }
  }

  /** An ERROR frame straight on the socket, then close: for faults found below vertx-stomp's parser. */
  private static void fail(ServerWebSocket socket, String message) {
    socket.writeBinaryMessage(Frames.createErrorFrame(message, Map.of(), message).toBuffer());
    socket.close();
  }

  // ---- STOMP frames ----

  private StompSession session(ServerFrame frame) {
    StompSession s = sessions.get(frame.connection().session());
    return s == null || s.isClosed() ? null : s;
  }

  /** Runs before vertx-stomp dispatches any frame: opens the session record and spends its frame budget. */
  private void onFrameReceived(ServerFrame sf) {
    Frame frame = sf.frame();
    StompServerConnection connection = sf.connection();
    StompSession s = sessions.get(connection.session());
    long now = System.nanoTime();
    if (s == null) {
      if (frame.getCommand() != Command.CONNECT && frame.getCommand() != Command.STOMP) {
        return;
      }
      WebFlowConfig.StompLimits limits = config.stomp();
      s = new StompSession(connection, new TokenBucket(limits.messagesPerSecond(), limits.burst(), now));
      sessions.put(connection.session(), s);
      if (receiving != null) {
        receiving.session = s;
      }
    }
    if (frame.getCommand() == Command.PING) {
      return;
    }
    metrics.messageIn();
    if (!s.tryTakeToken(now)) {
      metrics.error("RATE_LIMITED");
      s.fail("Rate limit exceeded", frame);
      return;
    }
    switch (frame.getCommand()) {
      // vertx-stomp passes unknown and server-only commands through without a word
      case UNKNOWN, CONNECTED, MESSAGE, RECEIPT, ERROR -> refuse(s, "INVALID_FRAME", "Unknown command", frame);
      default -> {
      }
    }
  }

  private void onSubscribe(ServerFrame sf) {
    StompSession s = session(sf);
    if (s == null) {
      return;
    }
    Frame frame = sf.frame();
    String destination = frame.getDestination();
    String id = frame.getId() != null ? frame.getId() : destination;
    if (destination == null) {
      refuse(s, "INVALID_FRAME", "SUBSCRIBE requires a destination header", frame);
    } else if (!userTopics.contains(destination)) {
      refuse(s, "FORBIDDEN_DESTINATION", "Subscription to this destination is not allowed", frame);
    } else if (s.subscriptions().containsKey(id)) {
      refuse(s, "INVALID_FRAME", "Subscription id already in use", frame);
    } else if (s.subscriptions().size() >= config.stomp().maxSubscriptions()) {
      refuse(s, "TOO_MANY_SUBSCRIPTIONS", "Too many subscriptions", frame);
    } else {
      String ack = frame.getAck();
      s.subscriptions().put(id, new StompSession.Subscription(destination, ack != null && !ack.equals("auto")));
      Frames.handleReceipt(frame, sf.connection());
    }
  }

  private void onUnsubscribe(ServerFrame sf) {
    StompSession s = session(sf);
    if (s == null) {
      return;
    }
    Frame frame = sf.frame();
    String id = frame.getId() != null ? frame.getId() : frame.getDestination();
    if (id == null) {
      refuse(s, "INVALID_FRAME", "UNSUBSCRIBE requires an id header", frame);
      return;
    }
    s.subscriptions().remove(id);
    Frames.handleReceipt(frame, sf.connection());
  }

  /** Acknowledgements are accepted (stompjs may send them) and otherwise ignored: delivery is at most once. */
  private void onAck(ServerFrame sf) {
    if (session(sf) != null) {
      Frames.handleReceipt(sf.frame(), sf.connection());
    }
  }

  private void refuseTransaction(ServerFrame sf) {
    StompSession s = session(sf);
    if (s != null) {
      refuse(s, "INVALID_FRAME", "Transactions are not supported", sf.frame());
    }
  }

  private void onSend(ServerFrame sf) {
    StompSession s = session(sf);
    if (s == null) {
      return;
    }
    Frame frame = sf.frame();
    String destination = frame.getDestination();
    if (destination == null) {
      refuse(s, "INVALID_FRAME", "SEND requires a destination header", frame);
      return;
    }
    if (!destination.equals(config.registrationDestination())) {
      refuse(s, "FORBIDDEN_DESTINATION", "SEND to this destination is not allowed", frame);
      return;
    }
    if (frame.getTransaction() != null) {
      refuse(s, "INVALID_FRAME", "Transactions are not supported", frame);
      return;
    }
    String webSocketId;
    try {
      Object body = io.vertx.core.json.Json.decodeValue(frame.getBodyAsString(StandardCharsets.UTF_8.name()));
      webSocketId = body instanceof JsonObject json && json.getValue("webSocketId") instanceof String id ? id : null;
    } catch (DecodeException e) {
      webSocketId = null;
    }
    if (!WebSocketIds.isValid(webSocketId)) {
      refuse(s, "INVALID_REGISTRATION",
          "Registration body must be {\"webSocketId\":\"...\"} with 1-128 characters of [A-Za-z0-9._:+/=-]", frame);
      return;
    }
    register(s, webSocketId, sf);
  }

  private void refuse(StompSession s, String code, String message, Frame cause) {
    metrics.error(code);
    s.fail(message, cause);
  }

  private void register(StompSession s, String webSocketId, ServerFrame sf) {
    if (!s.webSocketIds().contains(webSocketId) && s.webSocketIds().size() >= config.maxRegistrationsPerSession()) {
      refuse(s, "TOO_MANY_REGISTRATIONS", "Too many webSocketIds registered by this session", sf.frame());
      return;
    }
    registrations.register(webSocketId, s.id()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("registration of a webSocketId failed: {}", ar.cause().toString());
        refuse(s, "INTERNAL_ERROR", "Registration failed", sf.frame());
        return;
      }
      if (ar.result() == Registrations.Outcome.TAKEN) {
        refuse(s, "WEBSOCKET_ID_TAKEN", "webSocketId is registered by another session", sf.frame());
        return;
      }
      if (s.isClosed()) {
        registrations.unregister(webSocketId, s.id());
        return;
      }
      s.webSocketIds().add(webSocketId);
      sent(s.deliver(config.registrationTopic(), new JsonObject().put("webSocketId", webSocketId)));
      Frames.handleReceipt(sf.frame(), sf.connection());
      registrations.takeHeld(webSocketId).onSuccess(held -> {
        if (held != null && deliverTo(s, held) == 0) {
          registrations.hold(held);
        }
      });
    });
  }

  private void onConnectionClosed(StompServerConnection connection) {
    StompSession s = sessions.remove(connection.session());
    if (s == null) {
      return;
    }
    s.markClosed();
    for (String webSocketId : s.webSocketIds()) {
      registrations.unregister(webSocketId, s.id()).onFailure(err ->
          LOG.warn("could not drop a registration of a closed session: {}", err.toString()));
    }
  }

  // ---- authorization notifications ----

  private void onBusAuthorization(Message<Object> msg) {
    if (!(msg.body() instanceof JsonObject body)) {
      msg.fail(400, "body must be a JSON object");
      return;
    }
    AuthorizationNotice notice;
    try {
      notice = AuthorizationNotice.parse(body);
    } catch (IllegalArgumentException e) {
      msg.fail(400, e.getMessage());
      return;
    }
    authorize(notice).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        LOG.warn("authorization for a webSocketId failed: {}", ar.cause().toString());
        msg.fail(500, "delivery failed");
      }
    });
  }

  private void onRestAuthorization(RoutingContext ctx) {
    AuthorizationNotice notice;
    try {
      notice = AuthorizationNotice.parse(ctx.body().asJsonObject());
    } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
      ServiceHttpServer.jsonError(ctx.response(), 400,
          e instanceof IllegalArgumentException ? e.getMessage() : "body must be a JSON object");
      return;
    }
    authorize(notice).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result());
      } else {
        LOG.warn("authorization for a webSocketId failed: {}", ar.cause().toString());
        ServiceHttpServer.jsonError(ctx.response(), 500, "delivery failed");
      }
    });
  }

  /**
   * Delivers a notice to the session that registered its webSocketId, or holds it. After holding it looks
   * again: a registration that landed in between takes the held notice itself, or this call takes it back
   * and delivers; the atomic remove of the held notice makes sure exactly one of the two delivers it.
   */
  Future<JsonObject> authorize(AuthorizationNotice notice) {
    return route(notice).compose(delivered -> {
      if (delivered) {
        return Future.succeededFuture(result(true, false));
      }
      return registrations.hold(notice).compose(held -> {
        if (!held) {
          metrics.error("PENDING_FULL");
          return Future.succeededFuture(result(false, false));
        }
        return registrations.lookup(notice.webSocketId()).compose(entry -> entry == null
            ? Future.succeededFuture(result(false, true))
            : registrations.takeHeld(notice.webSocketId()).compose(taken -> taken == null
                ? Future.succeededFuture(result(false, true))
                : route(taken).compose(ok -> ok
                    ? Future.succeededFuture(result(true, false))
                    : registrations.hold(taken).map(again -> result(false, again)))));
      });
    });
  }

  private Future<Boolean> route(AuthorizationNotice notice) {
    return registrations.lookup(notice.webSocketId()).compose(entry -> {
      if (entry == null) {
        return Future.succeededFuture(false);
      }
      NodeMessage message = new NodeMessage.ToClient(entry.getString(Registrations.SESSION), notice.toJson());
      return router.toNode(entry.getString(switchboard.bus.SessionDirectory.NODE), message).map(reached -> reached > 0);
    });
  }

  private static JsonObject result(boolean delivered, boolean queued) {
    return new JsonObject().put("delivered", delivered).put("queued", queued);
  }

  /** A notice routed to this node: the session must still hold the webSocketId it is for. */
  private int onNodeMessage(NodeMessage message) {
    if (!(message instanceof NodeMessage.ToClient toClient)) {
      return 0;
    }
    StompSession s = sessions.get(toClient.clientId());
    AuthorizationNotice notice = AuthorizationNotice.fromJson(toClient.frame());
    if (s == null || s.isClosed() || !s.webSocketIds().contains(notice.webSocketId())) {
      return 0;
    }
    return deliverTo(s, notice);
  }

  private int deliverTo(StompSession s, AuthorizationNotice notice) {
    int written = s.deliver(config.authorizationTopic(), notice.toJson());
    sent(written);
    return written > 0 ? 1 : 0;
  }

  private void sent(int frames) {
    for (int i = 0; i < frames; i++) {
      metrics.messageOut();
    }
  }
}
