package switchboard.signal;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.auth.Principal;
import switchboard.bus.Addresses;
import switchboard.bus.NodeRouter;
import switchboard.bus.SessionDirectory;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.signal.crypto.DecryptionException;
import switchboard.signal.crypto.EcdhKeyPair;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.InvalidPublicKeyException;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsConnection;
import switchboard.ws.WsEndpoint;
import switchboard.ws.WsHandler;
import switchboard.ws.WsProblem;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import static switchboard.signal.SignalProtocol.*;

/**
 * The Signal service on one node: the WebSocket endpoint (JWT + ECDH handshake, encrypted frames, rooms,
 * heartbeats), the REST API and the event-bus API. Everything runs on this verticle's event loop.
 */
public final class SignalVerticle extends VerticleBase implements WsHandler {

  static final String SERVICE = "signal";
  private static final Logger LOG = LoggerFactory.getLogger(SignalVerticle.class);
  private static final int MAX_EVENT_NAME = 128;

  private final Platform platform;
  private final SignalConfig config;
  private final ServiceMetrics metrics;
  private final HandshakeCrypto crypto = new HandshakeCrypto();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private SignalHub hub;
  private NodeRouter router;
  private WsEndpoint endpoint;
  private HttpServer server;

  public SignalVerticle(Platform platform, SignalConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.metrics = platform.metricsFor(SERVICE);
  }

  /** The port the server listens on (after start). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    hub = new SignalHub(new SessionDirectory(vertx, platform.cluster(), Addresses.SIGNAL_SESSIONS_MAP));
    router = new NodeRouter(vertx, platform.cluster(), SERVICE, hub::deliverLocal, config.routeTimeout().toMillis());
    hub.router(router);
    endpoint = new WsEndpoint(vertx, Set.of(config.wsPath()), config.limits(), CLOSE_CODES,
        config.http().allowedOrigins(), this, metrics);
    var rest = new SignalRestApi(vertx, platform.jwt(), hub, config);
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.SIGNAL_BROADCAST, this::onBusBroadcast));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.SIGNAL_ROOM_SEND, this::onBusRoomSend));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.SIGNAL_CLIENT_SEND, this::onBusClientSend));
    List<Future<?>> ready = new ArrayList<>();
    ready.add(router.start());
    consumers.forEach(c -> ready.add(c.completion()));
    return Future.all(ready)
        .compose(v -> ServiceHttpServer.start(vertx, config.http(), rest.router(config.maxRestBodyBytes()), endpoint))
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> done = new ArrayList<>();
    consumers.forEach(c -> done.add(c.unregister()));
    done.add(router.stop());
    done.add(endpoint.closeAll(WsCloseCodes.GOING_AWAY, "server shutting down"));
    // when only the service stops, the node stays in the cluster and nobody else would drop its entries
    done.add(hub.directory().removeNode(platform.nodeId()));
    return Future.join(done);
  }

  // ---- WebSocket ---------------------------------------------------------------------------------

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
    hub.remove(s);
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
    s.phase = SignalSession.Phase.AUTHENTICATING;
    long started = System.nanoTime();
    ECPublicKeyParameters peer = clientKey;
    platform.jwt().verify(token).onComplete(ar -> {
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
    s.connection.markAuthenticated();
    for (RoomPolicy room : config.autoJoinRooms()) {
      if (room.allows(s.roles)) {
        s.rooms.add(room.name());
      }
    }
    String frame = frame(CONNECTED, connected);
    // the directory entry goes first, so a REST call made on receipt of connected finds the client
    writeDirectory(s).onComplete(ignored -> {
      if (!s.connection.isOpen()) {
        return;
      }
      hub.add(s);
      s.connection.send(frame);
      s.ready = true;
      metrics.handshake(System.nanoTime() - started);
    });
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
        vertx.eventBus().publish(Addresses.SIGNAL_INBOUND, new JsonObject().put("clientId", s.id())
            .put("userId", s.userId).put("event", event).put("data", data));
      }
    }
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
    boolean changed = false;
    for (String name : requested) {
      RoomPolicy room = config.rooms().get(name);
      if (room == null) {
        sendError(s, UNKNOWN_ROOM, "no room named '" + name + "'");
      } else if (join && !room.allows(s.roles)) {
        sendError(s, ROOM_FORBIDDEN, "your roles do not allow joining '" + name + "'");
      } else if (join) {
        if (s.rooms.add(name)) {
          hub.joinLocal(s, name);
          changed = true;
        }
        done.add(name);
      } else if (s.rooms.remove(name)) {
        hub.leaveLocal(s, name);
        changed = true;
        done.add(name);
      }
    }
    if (changed) {
      writeDirectory(s);
    }
    s.connection.send(frame(event, new JsonObject().put("rooms", new JsonArray(new ArrayList<>(done)))));
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

  // ---- event bus ---------------------------------------------------------------------------------

  /** A published broadcast reaches every node's consumer: each delivers locally. A send fans out itself. */
  private void onBusBroadcast(Message<JsonObject> msg) {
    withTopic(msg, body -> msg.isSend() ? hub.broadcast(body.getString("topic"), body.getValue("data"))
        : hub.broadcastLocal(body.getString("topic"), body.getValue("data")));
  }

  private void onBusRoomSend(Message<JsonObject> msg) {
    withTopic(msg, body -> {
      if (!(body.getValue("room") instanceof String room) || !config.rooms().containsKey(room)) {
        return Future.failedFuture(new ReplyException(io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE, 404,
            "unknown room"));
      }
      return msg.isSend() ? hub.toRoom(room, body.getString("topic"), body.getValue("data"))
          : hub.toRoomLocal(room, body.getString("topic"), body.getValue("data"));
    });
  }

  private void onBusClientSend(Message<JsonObject> msg) {
    withTopic(msg, body -> {
      if (!(body.getValue("clientId") instanceof String clientId) || clientId.isEmpty()) {
        return Future.failedFuture(new ReplyException(io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE, 400,
            "clientId must be a string"));
      }
      return hub.toClient(clientId, body.getString("topic"), body.getValue("data"));
    });
  }

  private void withTopic(Message<JsonObject> msg, Function<JsonObject, Future<Integer>> action) {
    Object body = msg.body();
    if (!(body instanceof JsonObject json) || !(json.getValue("topic") instanceof String topic)
        || topic.isEmpty() || topic.length() > MAX_EVENT_NAME) {
      msg.fail(400, "body must be {topic: string, data: any}");
      return;
    }
    action.apply(json).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(new JsonObject().put("recipients", ar.result()));
      } else if (ar.cause() instanceof SignalHub.ClientNotFoundException e) {
        msg.fail(404, e.getMessage());
      } else if (ar.cause() instanceof ReplyException e) {
        msg.fail(e.failureCode(), e.getMessage());
      } else {
        msg.fail(500, "delivery failed: " + ar.cause().getMessage());
      }
    });
  }
}
