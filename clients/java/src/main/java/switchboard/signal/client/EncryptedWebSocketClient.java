package switchboard.signal.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.signal.crypto.DecryptionException;
import switchboard.signal.crypto.HandshakeCrypto;
import switchboard.signal.crypto.SessionCipher;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A Java client of the Signal service mirroring the seed's browser client: authenticates with a JWT and a
 * fresh P-256 key on every connect, derives the AES-256-GCM key from the server's key and salt, encrypts
 * everything it sends and decrypts everything it gets, sends heartbeats, re-joins its rooms and reconnects
 * with exponential backoff (3000 ms × 1.5ⁿ⁻¹, capped at 30000 ms, {@code reconnect_failed} after 5
 * consecutive failures; the count resets on every successful authentication).
 *
 * <p>All state lives on one Vert.x context; methods may be called from any thread and handlers are called
 * on that context.
 */
public final class EncryptedWebSocketClient {

  /** Events the client emits itself, besides what the server sends. */
  public static final String CONNECTED = "connected";
  public static final String RECONNECT_FAILED = "reconnect_failed";
  public static final String DISCONNECTED = "disconnected";
  /** Sent by the server after a resume, per room: {@code {"<room>": {recovered, missed | reason}}}. */
  public static final String RECOVERED = "recovered";

  // the JDK's logging facade, so the SDK needs no logging library; an application routes it where it likes
  private static final Logger LOG = System.getLogger(EncryptedWebSocketClient.class.getName());

  /** Where the client is in its life. */
  public enum State { IDLE, CONNECTING, AUTHENTICATING, AUTHENTICATED, DISCONNECTED, CLOSED }

  /** What the server said in connected. */
  public record ConnectedInfo(String id, String userId, String time, String serverPublicKey, String salt) {
  }

  /** A reconnect the client has scheduled: the attempt number (1-based) and its delay. */
  public record ReconnectAttempt(int attempt, long delayMs) {
  }

  /** Where the client is in a room's stream: the epoch and the offset of the last message it got. */
  public record RoomPosition(String epoch, long offset) {
  }

  /**
   * The outcome of resuming one room after a reconnect: {@code recovered} with the number of missed
   * messages replayed, or not, with the server's reason (EPOCH_MISMATCH, WINDOW_EXCEEDED, ...); then the
   * application resynchronises that room by its own means.
   */
  public record Recovery(String room, boolean recovered, long missed, String reason) {
  }

  private record PendingRooms(String event, Promise<List<String>> promise) {
  }

  private final Vertx vertx;
  private final Context context;
  private final EncryptedWebSocketClientOptions options;
  private final HandshakeCrypto crypto;
  private final WebSocketClient client;
  private final Map<String, List<Handler<Object>>> handlers = new HashMap<>();
  private final Set<String> rooms = new LinkedHashSet<>();
  private final ArrayDeque<PendingRooms> pendingRooms = new ArrayDeque<>();
  private Handler<ConnectedInfo> connectedHandler;
  private Handler<Void> reconnectFailedHandler;
  private Handler<Integer> disconnectHandler;
  private Handler<ReconnectAttempt> reconnectScheduledHandler;
  private Handler<Recovery> recoveryHandler;
  private final Map<String, RoomPosition> positions = new HashMap<>();
  private volatile State state = State.IDLE;
  private volatile String token;
  private volatile List<String> urls;
  private WebSocket socket;
  private ClientHandshake handshake;
  private SessionCipher cipher;
  private int retryCount;
  /** Index in {@link #urls} of the endpoint the next attempt uses; advances at each reconnect. */
  private int urlIndex;
  private long heartbeatTimer = -1;
  private long reconnectTimer = -1;
  private Promise<ConnectedInfo> firstConnect;

  public EncryptedWebSocketClient(Vertx vertx, EncryptedWebSocketClientOptions options) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.options = new EncryptedWebSocketClientOptions(Objects.requireNonNull(options, "options"));
    Objects.requireNonNull(options.getUrl(), "options.url or options.urls");
    this.token = Objects.requireNonNull(options.getToken(), "options.token");
    this.urls = List.copyOf(options.getUrls());
    this.context = vertx.getOrCreateContext();
    this.crypto = new HandshakeCrypto();
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
    this.rooms.addAll(options.getAutoJoinRooms());
  }

  /**
   * The delay before reconnect attempt {@code attempt} (1-based): interval × multiplier^(attempt−1),
   * rounded down and capped. With the defaults: 3000, 4500, 6750, 10125, 15187, 22781, then 30000.
   */
  public static long reconnectDelay(EncryptedWebSocketClientOptions options, int attempt) {
    double delay = options.getReconnectIntervalMs() * Math.pow(options.getBackoffMultiplier(), Math.max(0, attempt - 1));
    return (long) Math.min(Math.floor(delay), options.getMaxReconnectIntervalMs());
  }

  // ---- handlers ----------------------------------------------------------------------------------

  /**
   * Calls {@code handler} with the data of every event named {@code event}: server events (decrypted), and
   * the client's own {@code connected} (the connected data), {@code reconnect_failed} (null) and
   * {@code disconnected} (the close code, or null).
   */
  public EncryptedWebSocketClient on(String event, Handler<Object> handler) {
    context.runOnContext(v -> handlers.computeIfAbsent(event, e -> new ArrayList<>()).add(handler));
    return this;
  }

  public EncryptedWebSocketClient connectedHandler(Handler<ConnectedInfo> handler) {
    context.runOnContext(v -> connectedHandler = handler);
    return this;
  }

  public EncryptedWebSocketClient reconnectFailedHandler(Handler<Void> handler) {
    context.runOnContext(v -> reconnectFailedHandler = handler);
    return this;
  }

  /** Called with the close code (null when there was none) whenever the socket goes away. */
  public EncryptedWebSocketClient disconnectHandler(Handler<Integer> handler) {
    context.runOnContext(v -> disconnectHandler = handler);
    return this;
  }

  /** Called each time a reconnect is scheduled, with its attempt number and delay. */
  public EncryptedWebSocketClient reconnectScheduledHandler(Handler<ReconnectAttempt> handler) {
    context.runOnContext(v -> reconnectScheduledHandler = handler);
    return this;
  }

  /** Called with the outcome of each room's resume after a reconnect. */
  public EncryptedWebSocketClient recoveryHandler(Handler<Recovery> handler) {
    context.runOnContext(v -> recoveryHandler = handler);
    return this;
  }

  /** The last position seen in each room, e.g. to persist across restarts of the application. */
  public Future<Map<String, RoomPosition>> positions() {
    Promise<Map<String, RoomPosition>> promise = Promise.promise();
    context.runOnContext(v -> promise.complete(Map.copyOf(positions)));
    return promise.future();
  }

  /** Resumes {@code room} from a position saved earlier, on the next connect. */
  public EncryptedWebSocketClient resumeFrom(String room, RoomPosition position) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(position, "position");
    context.runOnContext(v -> positions.put(room, position));
    return this;
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  /**
   * Connects and authenticates; completes with the first successful {@code connected}, or fails once the
   * first attempt (without reconnect) or every retry has failed.
   */
  public Future<ConnectedInfo> connect() {
    Promise<ConnectedInfo> promise = Promise.promise();
    context.runOnContext(v -> {
      if (state != State.IDLE && state != State.DISCONNECTED) {
        promise.fail(new IllegalStateException("already " + state.name().toLowerCase()));
        return;
      }
      firstConnect = promise;
      retryCount = 0;
      open();
    });
    return promise.future();
  }

  public State state() {
    return state;
  }

  public boolean isConnected() {
    return state == State.AUTHENTICATED;
  }

  /**
   * The token used from the next (re)connect on; on a live session it is also sent to the server at once
   * ({@code refresh}, encrypted), which keeps the session open until the new token's expiry. The server
   * answers {@code refreshed} (data {@code {expiresAt}}), or {@code error REFRESH_REFUSED}.
   */
  public void updateToken(String newToken) {
    this.token = Objects.requireNonNull(newToken, "token");
    context.runOnContext(v -> {
      if (state == State.AUTHENTICATED && socket != null) {
        String frame = new JsonObject().put("event", "refresh")
            .put("data", new JsonObject().put("token", newToken)).encode();
        socket.writeTextMessage(cipher != null ? cipher.seal(frame) : frame);
      }
    });
  }

  /**
   * The server URL used from the next (re)connect on: to fail over to another node when no load balancer
   * does it; rooms resume there from the same positions.
   */
  public void updateUrl(String newUrl) {
    this.urls = List.of(Objects.requireNonNull(newUrl, "url"));
  }

  /** Closes for good: no reconnect. */
  public Future<Void> close() {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      state = State.CLOSED;
      cancelTimers();
      WebSocket ws = socket;
      cleanup();
      Future<Void> closing = ws == null ? Future.succeededFuture() : ws.close((short) 1000, "client closed");
      closing.eventually(() -> client.close()).onComplete(promise);
    });
    return promise.future();
  }

  // ---- sending -----------------------------------------------------------------------------------

  /** Sends an application event, encrypted; fails unless authenticated. */
  public Future<Void> send(String event, Object data) {
    Objects.requireNonNull(event, "event");
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      if (state != State.AUTHENTICATED) {
        promise.fail(new IllegalStateException("cannot send: encryption not established"));
        return;
      }
      JsonObject frame = new JsonObject().put("event", event);
      if (data != null) {
        frame.put("data", data);
      }
      String text = cipher != null ? cipher.seal(frame.encode()) : frame.encode();
      socket.writeTextMessage(text).onComplete(promise);
    });
    return promise.future();
  }

  /** Joins rooms (and re-joins them after every reconnect); completes with the rooms the server joined. */
  public Future<List<String>> joinRooms(List<String> names) {
    return changeRooms("join", names);
  }

  /** Leaves rooms; completes with the rooms the server left. */
  public Future<List<String>> leaveRooms(List<String> names) {
    return changeRooms("leave", names);
  }

  private Future<List<String>> changeRooms(String event, List<String> names) {
    List<String> copy = List.copyOf(names);
    Promise<List<String>> promise = Promise.promise();
    context.runOnContext(v -> {
      if (state != State.AUTHENTICATED) {
        promise.fail(new IllegalStateException("cannot " + event + ": not authenticated"));
        return;
      }
      if (event.equals("join")) {
        rooms.addAll(copy);
        // rooms the server refused (unknown, forbidden) are not re-joined on reconnect
        promise.future().onSuccess(joined -> copy.stream().filter(n -> !joined.contains(n)).forEach(rooms::remove));
      } else {
        copy.forEach(name -> {
          rooms.remove(name);
          positions.remove(name);
        });
      }
      sendRooms(event, copy, promise);
    });
    return promise.future();
  }

  private void sendRooms(String event, List<String> names, Promise<List<String>> promise) {
    pendingRooms.add(new PendingRooms(event, promise));
    socket.writeTextMessage(new JsonObject().put("event", event)
        .put("data", new JsonObject().put("rooms", new JsonArray(new ArrayList<>(names)))).encode());
  }

  // ---- connection --------------------------------------------------------------------------------

  private void open() {
    state = State.CONNECTING;
    handshake = new ClientHandshake(crypto);
    String url = urls.get(urlIndex % urls.size());
    client.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).onComplete(ar -> {
      if (state != State.CONNECTING) {
        if (ar.succeeded()) {
          ar.result().close();
        }
        return;
      }
      if (ar.failed()) {
        LOG.log(Level.DEBUG, () -> "connect to " + url + " failed: " + ar.cause());
        disconnected(null, null);
        return;
      }
      WebSocket ws = ar.result();
      socket = ws;
      state = State.AUTHENTICATING;
      ws.textMessageHandler(text -> onText(ws, text));
      ws.closeHandler(v -> disconnected(ws, ws.closeStatusCode() == null ? null : (int) ws.closeStatusCode()));
      ws.writeTextMessage(handshake.authenticateFrame(token, recoverRequest()));
    });
  }

  /** Every room with a known position: the server replays what this client missed in each. */
  private JsonObject recoverRequest() {
    JsonObject recover = new JsonObject();
    positions.forEach((room, p) -> recover.put(room, new JsonObject().put("epoch", p.epoch()).put("offset", p.offset())));
    return recover;
  }

  private void onText(WebSocket ws, String text) {
    if (ws != socket) {
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      LOG.log(Level.WARNING, "ignoring a frame that is not JSON");
      return;
    }
    String event = frame.getString("event", "");
    Object data = frame.getValue("data");
    switch (event) {
      case "connected" -> onConnected(ws, data);
      case "encrypted" -> onEncrypted(data);
      case "join", "leave" -> {
        PendingRooms pending = pendingRooms.poll();
        List<String> done = roomsOf(data);
        if (pending != null) {
          pending.promise().tryComplete(done);
        }
        emit(event, data);
      }
      default -> emit(event, data);
    }
  }

  private void onConnected(WebSocket ws, Object data) {
    if (state != State.AUTHENTICATING || !(data instanceof JsonObject info)) {
      return;
    }
    if (info.containsKey("serverPublicKey") || options.isRequireEncryption()) {
      try {
        cipher = handshake.complete(info, options.getEcdhInfo());
      } catch (ClientHandshake.HandshakeException e) {
        LOG.log(Level.ERROR, () -> "handshake failed: " + e.getMessage());
        ws.close((short) 1008, "handshake failed");
        return;
      }
    }
    handshake = null;
    state = State.AUTHENTICATED;
    retryCount = 0;
    if (heartbeatTimer < 0) {
      heartbeatTimer = vertx.setPeriodic(options.getHeartbeatIntervalMs(), id -> {
        if (state == State.AUTHENTICATED && socket != null) {
          socket.writeTextMessage("{\"event\":\"heartbeat\"}");
        }
      });
    }
    if (!rooms.isEmpty()) {
      sendRooms("join", List.copyOf(rooms), Promise.promise());
    }
    ConnectedInfo connected = new ConnectedInfo(info.getString("id"), info.getString("userId"),
        info.getString("time"), info.getString("serverPublicKey"), info.getString("salt"));
    if (connectedHandler != null) {
      connectedHandler.handle(connected);
    }
    emit(CONNECTED, info);
    if (firstConnect != null) {
      firstConnect.tryComplete(connected);
      firstConnect = null;
    }
  }

  private void onEncrypted(Object data) {
    if (cipher == null) {
      return;
    }
    Object inner;
    try {
      inner = Json.decodeValue(cipher.open(data));
    } catch (DecryptionException | DecodeException e) {
      LOG.log(Level.WARNING, () -> "could not decrypt a frame: " + e.getMessage());
      return;
    }
    if (inner instanceof JsonObject msg && msg.getValue("event") instanceof String event) {
      if (isDuplicate(msg)) {
        return;
      }
      if (RECOVERED.equals(event)) {
        onRecovered(msg.getValue("data"));
      }
      emit(event, msg.getValue("data"));
    }
  }

  /**
   * Records the position of a room message; true when it is one this client already got (same epoch, offset
   * not above the last), which a replay racing a reconnect can produce.
   */
  private boolean isDuplicate(JsonObject msg) {
    if (!(msg.getValue("room") instanceof String room) || !(msg.getValue("offset") instanceof Number offset)
        || !(msg.getValue("epoch") instanceof String epoch)) {
      return false;
    }
    RoomPosition last = positions.get(room);
    if (last != null && last.epoch().equals(epoch) && offset.longValue() <= last.offset()) {
      return true;
    }
    positions.put(room, new RoomPosition(epoch, offset.longValue()));
    return false;
  }

  private void onRecovered(Object data) {
    if (!(data instanceof JsonObject outcomes) || recoveryHandler == null) {
      return;
    }
    for (String room : outcomes.fieldNames()) {
      if (outcomes.getValue(room) instanceof JsonObject o) {
        recoveryHandler.handle(new Recovery(room, o.getBoolean("recovered", false), o.getLong("missed", 0L),
            o.getString("reason")));
      }
    }
  }

  private static List<String> roomsOf(Object data) {
    List<String> out = new ArrayList<>();
    if (data instanceof JsonObject obj && obj.getValue("rooms") instanceof JsonArray array) {
      array.forEach(o -> {
        if (o instanceof String s) {
          out.add(s);
        }
      });
    }
    return out;
  }

  private void emit(String event, Object data) {
    List<Handler<Object>> list = handlers.get(event);
    if (list == null) {
      return;
    }
    for (Handler<Object> h : List.copyOf(list)) {
      try {
        h.handle(data);
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, () -> "handler for '" + event + "' failed", e);
      }
    }
  }

  private void disconnected(WebSocket ws, Integer code) {
    if (ws != socket || state == State.CLOSED) {
      return;
    }
    cleanup();
    if (disconnectHandler != null) {
      disconnectHandler.handle(code);
    }
    emit(DISCONNECTED, code);
    if (!options.isReconnect() || retryCount >= options.getMaxRetries()) {
      state = State.DISCONNECTED;
      if (options.isReconnect()) {
        if (reconnectFailedHandler != null) {
          reconnectFailedHandler.handle(null);
        }
        emit(RECONNECT_FAILED, null);
      }
      if (firstConnect != null) {
        firstConnect.tryFail(new IllegalStateException("could not connect to " + String.join(", ", urls)));
        firstConnect = null;
      }
      return;
    }
    retryCount++;
    urlIndex = (urlIndex + 1) % urls.size();
    long delay = reconnectDelay(options, retryCount);
    state = State.DISCONNECTED;
    if (reconnectScheduledHandler != null) {
      reconnectScheduledHandler.handle(new ReconnectAttempt(retryCount, delay));
    }
    reconnectTimer = vertx.setTimer(delay, id -> {
      reconnectTimer = -1;
      if (state == State.DISCONNECTED) {
        open();
      }
    });
  }

  /** Drops the keys and the socket of the connection that ended (the seed client's cleanup()). */
  private void cleanup() {
    cipher = null;
    handshake = null;
    socket = null;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
    PendingRooms p;
    while ((p = pendingRooms.poll()) != null) {
      p.promise().tryFail(new IllegalStateException("disconnected"));
    }
  }

  private void cancelTimers() {
    if (reconnectTimer >= 0) {
      vertx.cancelTimer(reconnectTimer);
      reconnectTimer = -1;
    }
  }
}
