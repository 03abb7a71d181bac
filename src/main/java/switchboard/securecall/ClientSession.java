package switchboard.securecall;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What SecureCall keeps per connection, confined to the verticle's event loop: the registered clientId,
 * the calls this connection is a party to, and the tail of its message queue. Messages of one connection
 * are handled one after the other, so an answer is never overtaken by the candidates sent after it.
 */
final class ClientSession {

  /** One call this connection is a party to, with where the other party sits. */
  static final class Leg {
    final String callId;
    final String peerId;
    final String peerNode;
    final boolean caller;
    long ringTimer = -1;

    Leg(String callId, String peerId, String peerNode, boolean caller) {
      this.callId = callId;
      this.peerId = peerId;
      this.peerNode = peerNode;
      this.caller = caller;
    }
  }

  String clientId;
  /** The entry written to the session directory, for an exact compare-and-delete on close. */
  JsonObject directoryEntry;
  final Map<String, Leg> legs = new LinkedHashMap<>();
  /** Closed, or being shut down: its id and calls are given up and its messages are ignored. */
  boolean released;
  Future<Void> tail = Future.succeededFuture();
  int queued;

  boolean registered() {
    return clientId != null;
  }
}
