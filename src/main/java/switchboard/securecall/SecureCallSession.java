package switchboard.securecall;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import switchboard.securecall.impl.CallLeg;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What SecureCall keeps per connection, confined to the verticle's event loop: the registered clientId,
 * the calls this connection is a party to, and the tail of its message queue. Messages of one connection
 * are handled one after the other, so an answer is never overtaken by the candidates sent after it.
 */
public final class SecureCallSession {

  String clientId;
  /** The entry written to the session directory, for an exact compare-and-delete on close. */
  JsonObject directoryEntry;
  private final Map<String, CallLeg> legs = new LinkedHashMap<>();
  /** Closed, or being shut down: its id and calls are given up and its messages are ignored. */
  boolean released;
  Future<Void> tail = Future.succeededFuture();
  int queued;

  public boolean registered() {
    return clientId != null;
  }

  /** The registered clientId, or null. */
  public String clientId() {
    return clientId;
  }

  /** This connection's calls by callId. */
  public Map<String, CallLeg> legs() {
    return legs;
  }

  public boolean released() {
    return released;
  }
}
