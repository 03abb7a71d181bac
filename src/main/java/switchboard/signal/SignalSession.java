package switchboard.signal;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.signal.crypto.SessionCipher;
import switchboard.ws.WsConnection;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/** The Signal state of one WebSocket, confined to the verticle's event loop. */
final class SignalSession {

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
  /** Directory writes of this session, chained so they land in order. */
  Future<?> directoryWrites = Future.succeededFuture();

  SignalSession(WsConnection connection) {
    this.connection = connection;
  }

  String id() {
    return connection.id();
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

  /** Sends an application frame, encrypted when the session has a key. */
  boolean deliver(byte[] plaintextUtf8, String plaintext) {
    if (!ready) {
      return false;
    }
    return connection.send(cipher != null ? cipher.seal(plaintextUtf8) : plaintext);
  }
}
