package switchboard.securecall;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import switchboard.securecall.impl.CallLeg;
import switchboard.securecall.impl.KeyChallenge;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What SecureCall keeps per connection, confined to the event loop of its connection: the registered clientId,
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
  /** REGISTER carried a valid token whose sub is the clientId. */
  boolean tokenProven;
  /** When the oldest unanswered liveness probe's ping was sent ({@link System#nanoTime()}), or 0. */
  long probeSentNanos;
  private KeyChallenge keyChallenge;

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

  /** Whether the registration was proven by a token for the clientId (token mode). */
  public boolean tokenProven() {
    return tokenProven;
  }

  /** The PKD challenge this connection was given and has not answered yet, or null. */
  public KeyChallenge keyChallenge() {
    return keyChallenge;
  }

  public void keyChallenge(KeyChallenge challenge) {
    this.keyChallenge = challenge;
  }
}
