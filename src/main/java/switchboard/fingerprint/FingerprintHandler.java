package switchboard.fingerprint;

import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.JwtVerifier;
import switchboard.fingerprint.FingerprintProtocol.ErrorCode;
import switchboard.fingerprint.impl.ApiKeys;
import switchboard.fingerprint.impl.Audience;
import switchboard.fingerprint.impl.CommandException;
import switchboard.fingerprint.impl.DeviceCommands;
import switchboard.fingerprint.impl.LogStream;
import switchboard.fingerprint.impl.Permission;
import switchboard.fingerprint.impl.ScanOptions;
import switchboard.platform.ServiceMetrics;
import switchboard.ws.WsConnection;
import switchboard.ws.WsHandler;
import switchboard.ws.WsProblem;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The Fingerprint WebSocket protocol: authentication (API key or admin JWT), device subscriptions, and
 * scans started and stopped through {@link DeviceCommands} on whichever node holds the reader.
 */
final class FingerprintHandler implements WsHandler {

  private static final Logger LOG = LoggerFactory.getLogger(FingerprintHandler.class);
  private static final int MAX_ID_LENGTH = 128;

  private final FingerprintConfig config;
  private final JwtVerifier jwt;
  private final DeviceCommands commands;
  private final Audience audience;
  private final LogStream log;
  private final ServiceMetrics metrics;
  private final LongSupplier uptimeSeconds;

  FingerprintHandler(FingerprintConfig config, JwtVerifier jwt, DeviceCommands commands, Audience audience,
                     LogStream log, ServiceMetrics metrics, LongSupplier uptimeSeconds) {
    this.config = Objects.requireNonNull(config, "config");
    this.jwt = Objects.requireNonNull(jwt, "jwt");
    this.commands = Objects.requireNonNull(commands, "commands");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.log = Objects.requireNonNull(log, "log");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.uptimeSeconds = Objects.requireNonNull(uptimeSeconds, "uptimeSeconds");
  }

  static FingerprintSession session(WsConnection c) {
    return c.state();
  }

  @Override
  public void onOpen(WsConnection connection) {
    connection.state(new FingerprintSession());
  }

  @Override
  public void onMessage(WsConnection c, JsonObject message, String text) {
    FingerprintSession session = session(c);
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
      case "ping" -> c.send(FingerprintProtocol.pong().encode());
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
    FingerprintSession session = session(c);
    audience.remove(c, session.subscriptions);
    for (String scanId : session.activeScans) {
      commands.stopScan(scanId, session.caller(c.id()))
          .onFailure(err -> LOG.debug("scan {} of a closed client was not stopped: {}", scanId, err.getMessage()));
    }
  }

  @Override
  public String errorFrame(WsConnection connection, WsProblem problem) {
    JsonObject frame = switch (problem) {
      case MALFORMED_JSON -> FingerprintProtocol.error(ErrorCode.INVALID_MESSAGE, "Message is not a JSON object", null);
      case TOO_LARGE -> FingerprintProtocol.error(ErrorCode.INVALID_MESSAGE, "Message too large",
          new JsonObject().put("maxBytes", config.ws().maxMessageBytes()));
      case RATE_LIMITED -> FingerprintProtocol.error(ErrorCode.RATE_LIMITED, "Too many messages, slow down", null);
      case INTERNAL_ERROR -> FingerprintProtocol.error(ErrorCode.INTERNAL, ErrorCode.INTERNAL.message(), null);
    };
    return frame.encode();
  }

  /** Sends the frame to every authenticated connection (heartbeat pings, the stopping notice). */
  static void toAuthenticated(Collection<WsConnection> connections, JsonObject frame) {
    String text = frame.encode();
    for (WsConnection c : connections) {
      if (session(c).authenticated) {
        c.send(text);
      }
    }
  }

  private void sendError(WsConnection c, ErrorCode code, String message, JsonObject details) {
    metrics.error(Integer.toString(code.code()));
    c.send(FingerprintProtocol.error(code, message, details).encode());
  }

  private void auth(WsConnection c, FingerprintSession session, JsonObject message) {
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
    } else if (token instanceof String bearer) {
      session.authenticating = true;
      jwt.verify(bearer).onComplete(ar -> {
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
          c.expiresAt(ar.result().expiresAt());
        }
      });
    } else {
      authFailed(c, token == null ? "apiKey or token is required" : "Invalid or expired token", "no usable credential");
    }
  }

  private void authFailed(WsConnection c, String message, String reason) {
    metrics.error(Integer.toString(ErrorCode.AUTH_FAILED.code()));
    c.send(FingerprintProtocol.authError(message).encode());
    log.warn("Authentication failed", new JsonObject().put("reason", reason).put("remoteIp", c.remoteIp()));
    c.close(FingerprintProtocol.CLOSE_AUTH_FAILED, "authentication failed");
  }

  private void authenticated(WsConnection c, FingerprintSession session, String principal, boolean admin,
                             Set<Permission> permissions) {
    session.authenticated = true;
    session.admin = admin;
    session.principal = principal;
    session.permissions = permissions.isEmpty() ? EnumSet.noneOf(Permission.class) : EnumSet.copyOf(permissions);
    c.markAuthenticated();
    List<String> granted = new ArrayList<>();
    if (admin) {
      granted.add("admin");
      audience.addAdmin(c);
    }
    session.permissions.forEach(p -> granted.add(p.wire()));
    c.send(FingerprintProtocol.authSuccess(granted).encode());
    c.send(FingerprintProtocol.serviceStatus("running", uptimeSeconds.getAsLong(), config.version()).encode());
    log.debug("Client authenticated", new JsonObject().put("principal", principal).put("admin", admin)
        .put("remoteIp", c.remoteIp()));
  }

  /** A device or scan id from a message, or null when absent, not a string, empty or too long. */
  private static String id(JsonObject message, String field) {
    return message.getValue(field) instanceof String s && !s.isEmpty() && s.length() <= MAX_ID_LENGTH ? s : null;
  }

  private void subscribe(WsConnection c, FingerprintSession session, JsonObject message) {
    String deviceId = id(message, "deviceId");
    if (deviceId == null) {
      sendError(c, ErrorCode.INVALID_MESSAGE, "deviceId must be a non-empty string", null);
      return;
    }
    if (!session.can(Permission.DEVICE_READ)) {
      metrics.error(Integer.toString(ErrorCode.PERMISSION_DENIED.code()));
      c.send(FingerprintProtocol.subscribeError(deviceId, ErrorCode.PERMISSION_DENIED,
          "Permission denied: device:read required").encode());
      return;
    }
    commands.device(deviceId).onComplete(ar -> {
      if (!c.isOpen()) {
        return;
      }
      if (ar.failed()) {
        ErrorCode code = codeOf(ar.cause());
        metrics.error(Integer.toString(code.code()));
        c.send(FingerprintProtocol.subscribeError(deviceId, code, code.message()).encode());
        return;
      }
      session.subscriptions.add(deviceId);
      audience.subscribe(deviceId, c);
      c.send(FingerprintProtocol.subscribeSuccess(deviceId).encode());
    });
  }

  private void unsubscribe(WsConnection c, FingerprintSession session, JsonObject message) {
    String deviceId = id(message, "deviceId");
    if (deviceId == null) {
      sendError(c, ErrorCode.INVALID_MESSAGE, "deviceId must be a non-empty string", null);
      return;
    }
    if (session.subscriptions.remove(deviceId)) {
      audience.unsubscribe(deviceId, c);
    }
    c.send(FingerprintProtocol.unsubscribeSuccess(deviceId).encode());
  }

  private void startScan(WsConnection c, FingerprintSession session, JsonObject message) {
    String deviceId = id(message, "deviceId");
    if (deviceId == null) {
      scanRequestError(c, null, new CommandException(ErrorCode.INVALID_MESSAGE, "deviceId must be a non-empty string"));
      return;
    }
    if (!session.can(Permission.FINGERPRINT_SCAN)) {
      scanRequestError(c, null, new CommandException(ErrorCode.PERMISSION_DENIED,
          "Permission denied: fingerprint:scan required"));
      return;
    }
    ScanOptions options;
    try {
      options = ScanOptions.parse(message.getValue("options"), deviceId, config.scan());
    } catch (CommandException e) {
      scanRequestError(c, null, e);
      return;
    }
    DeviceCommands.Caller caller = session.caller(c.id());
    commands.startScan(deviceId, options, caller).onComplete(ar -> {
      if (ar.failed()) {
        scanRequestError(c, null, ar.cause());
        return;
      }
      String scanId = ar.result().getString("scanId");
      if (!c.isOpen()) {
        commands.stopScan(scanId, caller);
        return;
      }
      session.activeScans.add(scanId);
      c.send(FingerprintProtocol.scanStarted(scanId, deviceId).encode());
    });
  }

  private void stopScan(WsConnection c, FingerprintSession session, JsonObject message) {
    String scanId = id(message, "scanId");
    if (scanId == null) {
      scanRequestError(c, null, new CommandException(ErrorCode.INVALID_MESSAGE, "scanId must be a non-empty string"));
      return;
    }
    if (!session.can(Permission.FINGERPRINT_SCAN)) {
      scanRequestError(c, scanId, new CommandException(ErrorCode.PERMISSION_DENIED,
          "Permission denied: fingerprint:scan required"));
      return;
    }
    commands.stopScan(scanId, session.caller(c.id())).onComplete(ar -> {
      if (ar.failed()) {
        scanRequestError(c, scanId, ar.cause());
        return;
      }
      session.activeScans.remove(scanId);
      c.send(FingerprintProtocol.scanStopped(scanId).encode());
    });
  }

  private void scanRequestError(WsConnection c, String scanId, Throwable cause) {
    ErrorCode code = codeOf(cause);
    metrics.error(Integer.toString(code.code()));
    String message = cause instanceof CommandException e ? e.getMessage() : code.message();
    c.send(FingerprintProtocol.scanRequestError(scanId, code, message).encode());
  }

  private static ErrorCode codeOf(Throwable cause) {
    if (cause instanceof CommandException e) {
      return e.code();
    }
    LOG.warn("device command failed", cause);
    return ErrorCode.INTERNAL;
  }
}
