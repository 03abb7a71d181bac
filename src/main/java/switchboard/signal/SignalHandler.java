package switchboard.signal;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.JwtVerifier;
import switchboard.auth.Principal;
import switchboard.bus.SessionDirectory;
import switchboard.platform.ServiceMetrics;
import switchboard.signal.crypto.DecryptionException;
import switchboard.signal.crypto.EcdhKeyPair;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.InvalidPublicKeyException;
import switchboard.signal.impl.LoopSessions;
import switchboard.signal.impl.SignalHub;
import switchboard.ws.WsConnection;
import switchboard.ws.WsHandler;
import switchboard.ws.WsProblem;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static switchboard.signal.SignalProtocol.*;

/**
 * The Signal WebSocket protocol: JWT + ECDH handshake, encrypted frames, rooms and heartbeats. Application
 * events from clients go to the event bus through {@link SignalBusApi}. Runs on the verticle's event loop.
 */
final class SignalHandler implements WsHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SignalHandler.class);

  private final SignalConfig config;
  private final JwtVerifier jwt;
  private final SignalHub hub;
  private final LoopSessions sessions;
  private final SignalBusApi bus;
  private final ServiceMetrics metrics;
  private final HandshakeCrypto crypto = new HandshakeCrypto();

  SignalHandler(SignalConfig config, JwtVerifier jwt, SignalHub hub, LoopSessions sessions, SignalBusApi bus,
                ServiceMetrics metrics) {
    this.config = Objects.requireNonNull(config, "config");
    this.jwt = Objects.requireNonNull(jwt, "jwt");
    this.hub = Objects.requireNonNull(hub, "hub");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.bus = Objects.requireNonNull(bus, "bus");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void onOpen(WsConnection connection) {
    connection.state(new SignalSession(connection));
  }

  @Override
  public void onClose(WsConnection connection) {
    SignalSession s = connection.state();
    if (s.phase != SignalSession.Phase.AUTHENTICATED) {
      return;
    }
    s.ready = false;
    sessions.remove(s);
    SessionDirectory directory = hub.directory();
    s.directoryWrites = s.directoryWrites.transform(ignored -> directory.removeOwn(s.id()))
        .onFailure(err -> LOG.warn("could not remove client {} from the directory: {}", s.id(), err.toString()));
  }

  @Override
  public String errorFrame(WsConnection connection, WsProblem problem) {
    return error(problem.name(), problem.message());
  }

  @Override
  public void onMessage(WsConnection connection, JsonObject message, String text) {
    SignalSession s = connection.state();
    if (!(message.getValue("event") instanceof String event) || event.isEmpty() || event.length() > MAX_EVENT_NAME) {
      sendError(s, INVALID_MESSAGE, "a frame is {\"event\": string, \"data\": any}");
      return;
    }
    Object data = message.getValue("data");
    if (s.phase == SignalSession.Phase.AUTHENTICATED) {
      onEvent(s, event, data, false);
    } else if (!AUTHENTICATE.equals(event)) {
      sendError(s, NOT_AUTHENTICATED, "send authenticate first");
    } else if (s.phase == SignalSession.Phase.AUTHENTICATING) {
      sendError(s, INVALID_MESSAGE, "authentication already in progress");
    } else {
      authenticate(s, data);
    }
  }

  private void authenticate(SignalSession s, Object data) {
    if (!(data instanceof JsonObject auth)) {
      reject(s, CLOSE_INVALID_TOKEN, "authenticate needs data {type, token, clientPublicKey}");
      return;
    }
    Object type = auth.getValue("type");
    if (type != null && !"Bearer".equals(type)) {
      reject(s, CLOSE_INVALID_TOKEN, "token type must be Bearer");
      return;
    }
    if (!(auth.getValue("token") instanceof String token) || token.isEmpty()) {
      reject(s, CLOSE_INVALID_TOKEN, "token is missing");
      return;
    }
    ECPublicKeyParameters clientKey = null;
    if (config.encryption()) {
      Object key = auth.getValue("clientPublicKey");
      try {
        clientKey = HandshakeCrypto.parsePublicKey(key instanceof String k ? k : null);
      } catch (InvalidPublicKeyException e) {
        reject(s, CLOSE_INVALID_KEY, e.getMessage());
        return;
      }
    }
    s.recoverRequest = auth.getValue("recover") instanceof JsonObject recover ? recover : null;
    s.phase = SignalSession.Phase.AUTHENTICATING;
    long started = System.nanoTime();
    ECPublicKeyParameters peer = clientKey;
    jwt.verify(token).onComplete(ar -> {
      if (!s.connection.isOpen()) {
        return;
      }
      if (ar.failed()) {
        reject(s, CLOSE_INVALID_TOKEN, "invalid or expired token");
      } else {
        completeHandshake(s, ar.result(), peer, started);
      }
    });
  }

  private void completeHandshake(SignalSession s, Principal principal, ECPublicKeyParameters clientKey, long started) {
    s.connectedAt = Instant.now();
    JsonObject connected = new JsonObject().put("id", s.id()).put("userId", principal.userId())
        .put("time", s.connectedAt.toString());
    if (clientKey != null) {
      EcdhKeyPair serverKeys = crypto.generateKeyPair();
      byte[] salt = crypto.newSalt();
      s.cipher = crypto.session(serverKeys, clientKey, salt, config.ecdhInfo());
      connected.put("serverPublicKey", serverKeys.publicKeyBase64())
          .put("salt", Base64.getEncoder().encodeToString(salt));
    }
    s.userId = principal.userId();
    s.roles = principal.roles();
    s.phase = SignalSession.Phase.AUTHENTICATED;
    s.connection.authenticated(principal);
    for (RoomPolicy room : config.autoJoinRooms()) {
      if (room.allows(s.roles)) {
        s.rooms.add(room.name());
      }
    }
    Map<String, JsonObject> refused = prepareRecovery(s);
    String frame = frame(CONNECTED, connected);
    // the directory entry and the room → node entries go first, so a REST call or a room send from any node
    // made on receipt of connected finds the client
    Future<Void> joined = sessions.add(s);
    Future.join(writeDirectory(s), joined).onComplete(ignored -> {
      if (!s.connection.isOpen()) {
        return;
      }
      s.connection.send(frame);
      s.ready = true;
      metrics.handshake(System.nanoTime() - started);
      startRecovery(s, refused);
    });
  }

  /**
   * Joins the client to the rooms it asks to resume and may join, marked recovering so that no live message
   * of those rooms goes out before its replay; answers the outcome of each room it cannot resume.
   */
  private Map<String, JsonObject> prepareRecovery(SignalSession s) {
    Map<String, JsonObject> refused = new LinkedHashMap<>();
    if (s.recoverRequest == null) {
      return refused;
    }
    int max = Math.max(16, config.rooms().size());
    for (String name : s.recoverRequest.fieldNames()) {
      if (refused.size() + s.recovering.size() >= max) {
        break;
      }
      RoomPolicy room = config.rooms().get(name);
      Object position = s.recoverRequest.getValue(name);
      if (room == null) {
        refused.put(name, recoveryFailure(UNKNOWN_ROOM));
      } else if (!room.allows(s.roles)) {
        refused.put(name, recoveryFailure(ROOM_FORBIDDEN));
      } else if (!(position instanceof JsonObject p) || !(p.getValue("epoch") instanceof String)
          || !(p.getValue("offset") instanceof Number offset) || offset.longValue() < 0
          || offset.doubleValue() != offset.longValue()) {
        refused.put(name, recoveryFailure(INVALID_MESSAGE));
      } else {
        s.rooms.add(name);
        s.recovering(name, true);
      }
    }
    return refused;
  }

  private void startRecovery(SignalSession s, Map<String, JsonObject> refused) {
    refused.forEach((room, outcome) -> LoopSessions.recoveryOutcome(s, room, outcome));
    if (s.recoverRequest != null) {
      for (String room : List.copyOf(s.recovering)) {
        JsonObject position = s.recoverRequest.getJsonObject(room);
        sessions.recover(s, room, position.getString("epoch"), position.getLong("offset"));
      }
      s.recoverRequest = null;
    }
  }

  private static JsonObject recoveryFailure(String reason) {
    return new JsonObject().put("recovered", false).put("reason", reason);
  }

  private void reject(SignalSession s, int code, String reason) {
    metrics.error("CLOSE_" + code);
    s.connection.close(code, reason);
  }

  private Future<?> writeDirectory(SignalSession s) {
    JsonObject entry = s.entry();
    SessionDirectory directory = hub.directory();
    s.directoryWrites = s.directoryWrites.transform(ignored -> directory.put(s.id(), entry))
        .onFailure(err -> LOG.warn("could not record client {} in the directory: {}", s.id(), err.toString()));
    return s.directoryWrites;
  }

  private void onEvent(SignalSession s, String event, Object data, boolean wasEncrypted) {
    switch (event) {
      case HEARTBEAT -> s.connection.send(frame(HEARTBEAT, new JsonObject().put("time", Instant.now().toString())));
      case JOIN -> changeRooms(s, data, true);
      case LEAVE -> changeRooms(s, data, false);
      case AUTHENTICATE -> sendError(s, ALREADY_AUTHENTICATED, "this connection is already authenticated");
      case REFRESH -> refresh(s, data, wasEncrypted);
      case CONNECTED, ERROR -> sendError(s, INVALID_MESSAGE, "'" + event + "' is sent by the server only");
      case ENCRYPTED -> {
        if (wasEncrypted || s.cipher == null) {
          sendError(s, INVALID_MESSAGE, s.cipher == null ? "encryption is switched off on this server"
              : "an encrypted frame cannot contain another");
        } else {
          openEncrypted(s, data);
        }
      }
      default -> {
        if (!wasEncrypted && s.cipher != null && config.requireEncryption()) {
          sendError(s, ENCRYPTION_REQUIRED, "'" + event + "' must be sent encrypted");
          return;
        }
        bus.publishInbound(s.id(), s.userId, event, data);
      }
    }
  }

  /**
   * A fresh token for a live session: same user, then the connection lives until the new token's expiry.
   * It travels encrypted whenever the session has a key, so the token is not on the wire in clear again.
   */
  private void refresh(SignalSession s, Object data, boolean wasEncrypted) {
    if (!wasEncrypted && s.cipher != null) {
      sendError(s, ENCRYPTION_REQUIRED, "'refresh' must be sent encrypted");
      return;
    }
    if (!(data instanceof JsonObject body) || !(body.getValue("token") instanceof String token) || token.isEmpty()) {
      sendError(s, INVALID_MESSAGE, "refresh needs data {\"token\": string}");
      return;
    }
    jwt.verify(token).onComplete(ar -> {
      if (!s.connection.isOpen()) {
        return;
      }
      if (ar.failed()) {
        sendError(s, REFRESH_REFUSED, "invalid or expired token; the session still ends when its token expires");
      } else if (!ar.result().userId().equals(s.userId)) {
        sendError(s, REFRESH_REFUSED, "the token is for another user; the session still ends when its token expires");
      } else {
        s.connection.expiresAt(ar.result().expiresAt());
        String answer = frame(REFRESHED, new JsonObject().put("expiresAt", String.valueOf(ar.result().expiresAt())));
        s.connection.send(s.cipher != null ? s.cipher.seal(answer) : answer);
      }
    });
  }

  private void openEncrypted(SignalSession s, Object data) {
    String plaintext;
    try {
      plaintext = s.cipher.open(data);
    } catch (DecryptionException e) {
      s.decryptFailures++;
      if (s.decryptFailures >= config.maxDecryptFailures()) {
        reject(s, CLOSE_POLICY, "too many decryption failures");
      } else {
        sendError(s, DECRYPTION_FAILED, e.getMessage());
      }
      return;
    }
    s.decryptFailures = 0;
    Object inner;
    try {
      inner = Json.decodeValue(plaintext);
    } catch (DecodeException e) {
      inner = null;
    }
    if (!(inner instanceof JsonObject msg) || !(msg.getValue("event") instanceof String event)
        || event.isEmpty() || event.length() > MAX_EVENT_NAME) {
      sendError(s, INVALID_MESSAGE, "the decrypted payload must be {\"event\": string, \"data\": any}");
      return;
    }
    onEvent(s, event, msg.getValue("data"), true);
  }

  private void changeRooms(SignalSession s, Object data, boolean join) {
    String event = join ? JOIN : LEAVE;
    List<String> requested = roomNames(data);
    if (requested == null) {
      sendError(s, INVALID_MESSAGE, event + " needs data {\"rooms\": [names]}");
      // still answered, so a client pairing requests with answers stays in step
      s.connection.send(frame(event, new JsonObject().put("rooms", new JsonArray())));
      return;
    }
    Set<String> done = new LinkedHashSet<>();
    List<Future<Void>> recorded = new ArrayList<>();
    boolean changed = false;
    for (String name : requested) {
      RoomPolicy room = config.rooms().get(name);
      if (room == null) {
        sendError(s, UNKNOWN_ROOM, "no room named '" + name + "'");
      } else if (join && !room.allows(s.roles)) {
        sendError(s, ROOM_FORBIDDEN, "your roles do not allow joining '" + name + "'");
      } else if (join) {
        if (s.rooms.add(name)) {
          recorded.add(sessions.joinLocal(s, name));
          changed = true;
        }
        done.add(name);
      } else if (s.rooms.remove(name)) {
        s.recovering(name, false);
        sessions.leaveLocal(s, name);
        changed = true;
        done.add(name);
      }
    }
    if (changed) {
      writeDirectory(s);
    }
    String answer = frame(event, new JsonObject().put("rooms", new JsonArray(new ArrayList<>(done))));
    // a join is answered once every node would route the room's sends here
    Future.join(recorded).onComplete(ignored -> s.connection.send(answer));
  }

  /** The room names of a join/leave, or null when the data is not {@code {rooms: [strings]}}. */
  private List<String> roomNames(Object data) {
    if (!(data instanceof JsonObject obj) || !(obj.getValue("rooms") instanceof JsonArray array)
        || array.isEmpty() || array.size() > Math.max(16, config.rooms().size())) {
      return null;
    }
    List<String> names = new ArrayList<>(array.size());
    for (Object o : array) {
      if (!(o instanceof String name)) {
        return null;
      }
      names.add(name);
    }
    return names;
  }

  private void sendError(SignalSession s, String code, String message) {
    metrics.error(code);
    s.connection.send(error(code, message));
  }
}
