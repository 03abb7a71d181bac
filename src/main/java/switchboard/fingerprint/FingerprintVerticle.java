package switchboard.fingerprint;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.fingerprint.hardware.HardwareVerticle;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsConnection;
import switchboard.ws.WsEndpoint;
import switchboard.ws.WsHandler;
import switchboard.ws.WsProblem;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Fingerprint service's front: the WebSocket API of seed 004 at {@code /} and {@code /ws}, the REST API
 * under {@code /api}, and the fan-out of device events. It holds no readers: it finds a device's node in
 * the cluster-wide directory and sends it commands ({@link DeviceCommands}); the node's
 * {@link HardwareVerticle} publishes events, and this verticle (one consumer per node) writes them to its
 * subscribed clients, to the client that started the scan, and to every admin.
 */
public final class FingerprintVerticle extends VerticleBase implements WsHandler {

  /** Metrics tag and config section. */
  public static final String SERVICE = "fingerprint";
  /** Close code after auth:error (the seed's auth code) and on the auth deadline. */
  public static final int CLOSE_AUTH_FAILED = 4001;

  private static final Logger LOG = LoggerFactory.getLogger(FingerprintVerticle.class);
  private static final Set<String> SCAN_ENDINGS = Set.of("scan:complete", "scan:error", "scan:timeout", "scan:stopped");
  private static final int MAX_ID_LENGTH = 128;

  private final Platform platform;
  private final FingerprintConfig config;
  private final Map<String, Set<WsConnection>> subscribers = new HashMap<>();
  private final Set<WsConnection> admins = new HashSet<>();
  private ServiceMetrics metrics;
  private WsEndpoint endpoint;
  private DeviceCommands commands;
  private LogStream log;
  private MessageConsumer<JsonObject> events;
  private long heartbeatTimer = -1;
  private long startedAtMillis;
  private int port;

  public FingerprintVerticle(Platform platform, FingerprintConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public Future<?> start() {
    startedAtMillis = System.currentTimeMillis();
    metrics = platform.metricsFor(SERVICE);
    log = new LogStream(vertx.eventBus(), LOG, platform.nodeId());
    commands = new DeviceCommands(vertx, platform.cluster(), config.commandTimeout());
    endpoint = new WsEndpoint(vertx, Set.of("/", "/ws"), config.ws(),
        new WsCloseCodes(CLOSE_AUTH_FAILED, 4000, 4009, WsCloseCodes.POLICY_VIOLATION),
        config.http().allowedOrigins(), this, metrics);
    Router router = ServiceHttpServer.router(vertx, config.maxBodyBytes());
    new RestApi(config, platform.jwt(), commands, this::uptimeSeconds).mount(router);
    events = vertx.eventBus().consumer(Addresses.FINGERPRINT_DEVICE_EVENTS, this::onEvent);
    if (!config.heartbeatInterval().isZero()) {
      heartbeatTimer = vertx.setPeriodic(config.heartbeatInterval().toMillis(), id -> heartbeat());
    }
    return events.completion()
        .compose(v -> ServiceHttpServer.start(vertx, config.http(), router, endpoint))
        .onSuccess(server -> port = server.actualPort());
  }

  @Override
  public Future<?> stop() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    String stopping = Frames.serviceStatus("stopping", uptimeSeconds(), config.version()).encode();
    for (WsConnection c : endpoint.connections()) {
      if (session(c).authenticated) {
        c.send(stopping);
      }
    }
    return endpoint.closeAll(WsCloseCodes.GOING_AWAY, "service stopping").compose(v -> events.unregister());
  }

  /** The port the HTTP server listens on (useful with port 0). */
  public int port() {
    return port;
  }

  private long uptimeSeconds() {
    return (System.currentTimeMillis() - startedAtMillis) / 1000;
  }

  private static ClientSession session(WsConnection c) {
    return c.state();
  }

  // ---- WebSocket ----

  @Override
  public void onOpen(WsConnection connection) {
    connection.state(new ClientSession());
  }

  @Override
  public void onMessage(WsConnection c, JsonObject message, String text) {
    ClientSession session = session(c);
    if (!(message.getValue("type") instanceof String type)) {
      sendError(c, ErrorCode.INVALID_MESSAGE, "Message type is missing or not a string", null);
      return;
    }
    if (type.equals("auth")) {
      auth(c, session, message);
      return;
    }
    if (!session.authenticated) {
      sendError(c, ErrorCode.AUTH_FAILED, "Authenticate first: send {\"type\":\"auth\"}", null);
      return;
    }
    switch (type) {
      case "ping" -> c.send(Frames.pong().encode());
      case "pong" -> {
        // Liveness is counted by the shared idle timer on every inbound frame.
      }
      case "subscribe" -> subscribe(c, session, message);
      case "unsubscribe" -> unsubscribe(c, session, message);
      case "scan:start" -> startScan(c, session, message);
      case "scan:stop" -> stopScan(c, session, message);
      default -> sendError(c, ErrorCode.INVALID_MESSAGE, "Unknown message type",
          new JsonObject().put("type", type.length() > 64 ? type.substring(0, 64) : type));
    }
  }

  @Override
  public void onClose(WsConnection c) {
    ClientSession session = session(c);
    admins.remove(c);
    for (String deviceId : session.subscriptions) {
      Set<WsConnection> set = subscribers.get(deviceId);
      if (set != null && set.remove(c) && set.isEmpty()) {
        subscribers.remove(deviceId);
      }
    }
    for (String scanId : session.activeScans) {
      commands.stopScan(scanId, session.caller(c.id()))
          .onFailure(err -> LOG.debug("scan {} of a closed client was not stopped: {}", scanId, err.getMessage()));
    }
  }

  @Override
  public String errorFrame(WsConnection connection, WsProblem problem) {
    JsonObject frame = switch (problem) {
      case MALFORMED_JSON -> Frames.error(ErrorCode.INVALID_MESSAGE, "Message is not a JSON object", null);
      case TOO_LARGE -> Frames.error(ErrorCode.INVALID_MESSAGE, "Message too large",
          new JsonObject().put("maxBytes", config.ws().maxMessageBytes()));
      case RATE_LIMITED -> Frames.error(ErrorCode.RATE_LIMITED, "Too many messages, slow down", null);
      case INTERNAL_ERROR -> Frames.error(ErrorCode.INTERNAL, ErrorCode.INTERNAL.message(), null);
    };
    return frame.encode();
  }

  private void sendError(WsConnection c, ErrorCode code, String message, JsonObject details) {
    metrics.error(Integer.toString(code.code()));
    c.send(Frames.error(code, message, details).encode());
  }

  private void auth(WsConnection c, ClientSession session, JsonObject message) {
    if (session.authenticated || session.authenticating) {
      sendError(c, ErrorCode.INVALID_MESSAGE, "Already authenticated", null);
      return;
    }
    Object apiKey = message.getValue("apiKey");
    Object token = message.getValue("token");
    if (apiKey != null) {
      Optional<ApiKeys.Entry> entry = apiKey instanceof String key ? config.apiKeys().authenticate(key) : Optional.empty();
      if (entry.isEmpty()) {
        authFailed(c, "Invalid API key", "unknown, revoked or malformed API key");
      } else {
        authenticated(c, session, entry.get().id(), false, entry.get().permissions());
      }
    } else if (token instanceof String jwt) {
      session.authenticating = true;
      platform.jwt().verify(jwt).onComplete(ar -> {
        session.authenticating = false;
        if (!c.isOpen()) {
          return;
        }
        if (ar.failed()) {
          authFailed(c, "Invalid or expired token", "invalid admin token");
        } else if (!ar.result().roles().contains("admin")) {
          authFailed(c, "Admin role required", "token without the admin role");
        } else {
          authenticated(c, session, "admin:" + ar.result().userId(), true, EnumSet.allOf(Permission.class));
        }
      });
    } else {
      authFailed(c, token == null ? "apiKey or token is required" : "Invalid or expired token", "no usable credential");
    }
  }

  private void authFailed(WsConnection c, String message, String reason) {
    metrics.error(Integer.toString(ErrorCode.AUTH_FAILED.code()));
    c.send(Frames.authError(message).encode());
    log.warn("Authentication failed", new JsonObject().put("reason", reason).put("remoteIp", c.remoteIp()));
    c.close(CLOSE_AUTH_FAILED, "authentication failed");
  }

  private void authenticated(WsConnection c, ClientSession session, String principal, boolean admin,
                             Set<Permission> permissions) {
    session.authenticated = true;
    session.admin = admin;
    session.principal = principal;
    session.permissions = permissions.isEmpty() ? EnumSet.noneOf(Permission.class) : EnumSet.copyOf(permissions);
    c.markAuthenticated();
    List<String> granted = new ArrayList<>();
    if (admin) {
      granted.add("admin");
      admins.add(c);
    }
    session.permissions.forEach(p -> granted.add(p.wire()));
    c.send(Frames.authSuccess(granted).encode());
    c.send(Frames.serviceStatus("running", uptimeSeconds(), config.version()).encode());
    log.debug("Client authenticated", new JsonObject().put("principal", principal).put("admin", admin)
        .put("remoteIp", c.remoteIp()));
  }

  /** A device or scan id from a message, or null when absent, not a string, empty or too long. */
  private static String id(JsonObject message, String field) {
    return message.getValue(field) instanceof String s && !s.isEmpty() && s.length() <= MAX_ID_LENGTH ? s : null;
  }

  private void subscribe(WsConnection c, ClientSession session, JsonObject message) {
    String deviceId = id(message, "deviceId");
    if (deviceId == null) {
      sendError(c, ErrorCode.INVALID_MESSAGE, "deviceId must be a non-empty string", null);
      return;
    }
    if (!session.can(Permission.DEVICE_READ)) {
      metrics.error(Integer.toString(ErrorCode.PERMISSION_DENIED.code()));
      c.send(Frames.subscribeError(deviceId, ErrorCode.PERMISSION_DENIED, "Permission denied: device:read required").encode());
      return;
    }
    commands.device(deviceId).onComplete(ar -> {
      if (!c.isOpen()) {
        return;
      }
      if (ar.failed()) {
        ErrorCode code = codeOf(ar.cause());
        metrics.error(Integer.toString(code.code()));
        c.send(Frames.subscribeError(deviceId, code, code.message()).encode());
        return;
      }
      session.subscriptions.add(deviceId);
      subscribers.computeIfAbsent(deviceId, k -> new HashSet<>()).add(c);
      c.send(Frames.subscribeSuccess(deviceId).encode());
    });
  }

  private void unsubscribe(WsConnection c, ClientSession session, JsonObject message) {
    String deviceId = id(message, "deviceId");
    if (deviceId == null) {
      sendError(c, ErrorCode.INVALID_MESSAGE, "deviceId must be a non-empty string", null);
      return;
    }
    if (session.subscriptions.remove(deviceId)) {
      Set<WsConnection> set = subscribers.get(deviceId);
      if (set != null && set.remove(c) && set.isEmpty()) {
        subscribers.remove(deviceId);
      }
    }
    c.send(Frames.unsubscribeSuccess(deviceId).encode());
  }

  private void startScan(WsConnection c, ClientSession session, JsonObject message) {
    String deviceId = id(message, "deviceId");
    if (deviceId == null) {
      scanRequestError(c, null, null, new CommandException(ErrorCode.INVALID_MESSAGE, "deviceId must be a non-empty string"));
      return;
    }
    if (!session.can(Permission.FINGERPRINT_SCAN)) {
      scanRequestError(c, deviceId, null, new CommandException(ErrorCode.PERMISSION_DENIED,
          "Permission denied: fingerprint:scan required"));
      return;
    }
    ScanOptions options;
    try {
      options = ScanOptions.parse(message.getValue("options"), config.scan());
    } catch (CommandException e) {
      scanRequestError(c, deviceId, null, e);
      return;
    }
    DeviceCommands.Caller caller = session.caller(c.id());
    commands.startScan(deviceId, options, caller).onComplete(ar -> {
      if (ar.failed()) {
        scanRequestError(c, deviceId, null, ar.cause());
        return;
      }
      String scanId = ar.result().getString("scanId");
      if (!c.isOpen()) {
        commands.stopScan(scanId, caller);
        return;
      }
      session.activeScans.add(scanId);
      c.send(Frames.scanStarted(scanId, deviceId).encode());
    });
  }

  private void stopScan(WsConnection c, ClientSession session, JsonObject message) {
    String scanId = id(message, "scanId");
    if (scanId == null) {
      scanRequestError(c, null, null, new CommandException(ErrorCode.INVALID_MESSAGE, "scanId must be a non-empty string"));
      return;
    }
    if (!session.can(Permission.FINGERPRINT_SCAN)) {
      scanRequestError(c, null, scanId, new CommandException(ErrorCode.PERMISSION_DENIED,
          "Permission denied: fingerprint:scan required"));
      return;
    }
    commands.stopScan(scanId, session.caller(c.id())).onComplete(ar -> {
      if (ar.failed()) {
        scanRequestError(c, null, scanId, ar.cause());
        return;
      }
      session.activeScans.remove(scanId);
      c.send(Frames.scanStopped(scanId).encode());
    });
  }

  private void scanRequestError(WsConnection c, String deviceId, String scanId, Throwable cause) {
    ErrorCode code = codeOf(cause);
    metrics.error(Integer.toString(code.code()));
    String message = cause instanceof CommandException e ? e.getMessage() : code.message();
    c.send(Frames.scanRequestError(deviceId, scanId, code, message).encode());
  }

  private static ErrorCode codeOf(Throwable cause) {
    if (cause instanceof CommandException e) {
      return e.code();
    }
    LOG.warn("device command failed", cause);
    return ErrorCode.INTERNAL;
  }

  // ---- fan-out ----

  private void onEvent(Message<JsonObject> msg) {
    JsonObject frame = msg.body();
    String type = frame.getString("type", "");
    String text = frame.encode();
    if (type.equals("log:entry")) {
      admins.forEach(c -> c.send(text));
      return;
    }
    String deviceId = msg.headers().get(HardwareVerticle.DEVICE_HEADER);
    Set<WsConnection> targets = new LinkedHashSet<>(admins);
    Set<WsConnection> subscribed = deviceId == null ? null : subscribers.get(deviceId);
    if (subscribed != null) {
      targets.addAll(subscribed);
    }
    String ownerId = msg.headers().get(HardwareVerticle.OWNER_HEADER);
    WsConnection owner = ownerId == null ? null : endpoint.connection(ownerId);
    if (owner != null) {
      targets.add(owner);
      if (SCAN_ENDINGS.contains(type)) {
        session(owner).activeScans.remove(frame.getString("scanId"));
      }
    }
    String exclude = msg.headers().get(HardwareVerticle.EXCLUDE_HEADER);
    for (WsConnection c : targets) {
      if (!c.id().equals(exclude)) {
        c.send(text);
      }
    }
  }

  private void heartbeat() {
    String ping = Frames.ping().encode();
    for (WsConnection c : endpoint.connections()) {
      if (session(c).authenticated) {
        c.send(ping);
      }
    }
  }
}
