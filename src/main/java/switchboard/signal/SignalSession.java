package switchboard.signal;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.signal.crypto.SessionCipher;
import switchboard.ws.WsConnection;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The Signal state of one WebSocket, confined to the verticle's event loop. */
public final class SignalSession {

  enum Phase { AWAITING_AUTH, AUTHENTICATING, AUTHENTICATED }

  final WsConnection connection;
  Phase phase = Phase.AWAITING_AUTH;
  String userId;
  Set<String> roles = Set.of();
  /** Null until authenticated, and always when encryption is switched off. */
  SessionCipher cipher;
  final Set<String> rooms = new LinkedHashSet<>();
  Instant connectedAt;
  int decryptFailures;
  /** True once {@code connected} went out: deliveries before that could not be decrypted. */
  boolean ready;
  /** Per room: the offset of the last room message this client got; later ones only go out. */
  final Map<String, Long> roomOffsets = new HashMap<>();
  /** Rooms being replayed to this client: their live messages wait in the history until replay catches up. */
  final Set<String> recovering = new HashSet<>();
  /** The {@code recover} of the authenticate, until it is served. */
  JsonObject recoverRequest;
  /** Directory writes of this session, chained so they land in order. */
  Future<?> directoryWrites = Future.succeededFuture();

  SignalSession(WsConnection connection) {
    this.connection = connection;
  }

  public String id() {
    return connection.id();
  }

  /** The rooms this session is in (read-only). */
  public Set<String> rooms() {
    return Collections.unmodifiableSet(rooms);
  }

  /** The directory entry: what the REST list shows, cluster-wide (the directory adds {@code node}). */
  JsonObject entry() {
    return new JsonObject()
        .put("userId", userId)
        .put("state", "authenticated")
        .put("encrypted", cipher != null)
        .put("rooms", new JsonArray(rooms.stream().toList()))
        .put("connectedAt", connectedAt.toString());
  }

  /** Sends an application frame, encrypted when the session has a key; false when it did not go out. */
  public boolean deliver(byte[] plaintextUtf8, String plaintext) {
    if (!ready) {
      return false;
    }
    return connection.send(cipher != null ? cipher.seal(plaintextUtf8) : plaintext);
  }

  /**
   * Sends a room message unless this client is being replayed that room or already got that offset; true
   * when it went out.
   */
  public boolean deliverInRoom(String room, long offset, byte[] plaintextUtf8, String plaintext) {
    if (!ready || recovering.contains(room) || offset <= roomOffsets.getOrDefault(room, 0L)) {
      return false;
    }
    roomOffsets.put(room, offset);
    return deliver(plaintextUtf8, plaintext);
  }

  public boolean isRecovering(String room) {
    return recovering.contains(room);
  }

  public void recovering(String room, boolean on) {
    if (on) {
      recovering.add(room);
    } else {
      recovering.remove(room);
    }
  }

  /** The offset of the last message of {@code room} this client got (0: none). */
  public long roomOffset(String room) {
    return roomOffsets.getOrDefault(room, 0L);
  }

  public void roomOffset(String room, long offset) {
    roomOffsets.put(room, offset);
  }

  public void close(int code, String reason) {
    connection.close(code, reason);
  }
}
