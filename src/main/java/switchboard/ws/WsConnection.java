package switchboard.ws;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.util.UUID;

/**
 * One open WebSocket of a service, confined to the service verticle's event loop. Holds what the shared
 * plumbing tracks (timers, rate bucket, outbound back-pressure) and one slot for the service's own state.
 */
public final class WsConnection {

  private final WsEndpoint endpoint;
  private final ServerWebSocket socket;
  private final String id = UUID.randomUUID().toString();
  private final String remoteIp;
  private final long openedAtMillis = System.currentTimeMillis();
  private final long openedAtNanos = System.nanoTime();
  private final TokenBucket bucket;
  long lastSeenNanos = openedAtNanos;
  private boolean authenticated;
  private Object state;
  int rateStrikes;
  int oversizeStrikes;
  boolean behind;
  long behindSinceNanos;
  long bytesWhileBehind;
  Buffer fragments;
  boolean discarding;
  private boolean closing;

  WsConnection(WsEndpoint endpoint, ServerWebSocket socket, String remoteIp, WsLimits limits) {
    this.endpoint = endpoint;
    this.socket = socket;
    this.remoteIp = remoteIp;
    this.bucket = limits.messagesPerSecond() > 0
        ? new TokenBucket(limits.messagesPerSecond(), limits.burst(), openedAtNanos) : null;
  }

  /** A random id, unique across the cluster. */
  public String id() {
    return id;
  }

  public String remoteIp() {
    return remoteIp;
  }

  public long openedAtMillis() {
    return openedAtMillis;
  }

  long openedAtNanos() {
    return openedAtNanos;
  }

  /** Headers of the upgrade request. */
  public MultiMap headers() {
    return socket.headers();
  }

  /** The query string of the upgrade request, or null. */
  public String query() {
    return socket.query();
  }

  public String path() {
    return socket.path();
  }

  public boolean isAuthenticated() {
    return authenticated;
  }

  /** Ends the auth window: the connection will not be closed for failing to authenticate. */
  public void markAuthenticated() {
    authenticated = true;
  }

  @SuppressWarnings("unchecked")
  public <T> T state() {
    return (T) state;
  }

  public void state(Object state) {
    this.state = state;
  }

  public boolean isOpen() {
    return !closing && !socket.isClosed();
  }

  boolean tryTakeToken(long now) {
    return bucket == null || bucket.tryTake(now);
  }

  /**
   * Queues a text frame. A socket whose peer stopped reading counts as behind; once it has been behind
   * longer than the grace period, or has been given more than the hard byte limit while behind, it is
   * closed with the slow-consumer code, so its memory stays bounded.
   *
   * @return false when the frame was not sent (connection closed or closed now for being too slow)
   */
  public boolean send(String text) {
    if (!isOpen()) {
      return false;
    }
    if (socket.writeQueueFull()) {
      long now = System.nanoTime();
      if (!behind) {
        behind = true;
        behindSinceNanos = now;
        bytesWhileBehind = 0;
      }
      bytesWhileBehind += text.length();
      if (bytesWhileBehind > endpoint.limits().outboundHardBytes()) {
        close(endpoint.closeCodes().slowConsumer(), "slow consumer");
        return false;
      }
    }
    socket.writeTextMessage(text);
    endpoint.metrics().messageOut();
    return true;
  }

  /** Sends the service's error frame for a plumbing problem. */
  public void sendProblem(WsProblem problem) {
    endpoint.metrics().error(problem.name());
    String frame = endpoint.handler().errorFrame(this, problem);
    if (frame != null) {
      send(frame);
    }
  }

  void drained() {
    behind = false;
  }

  void ping() {
    if (isOpen()) {
      socket.writePing(Buffer.buffer());
    }
  }

  /** Closes with a code and reason; the peer gets the close frame, and the TCP connection ends shortly after. */
  public void close(int code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    endpoint.metrics().closed(code);
    socket.close((short) code, reason);
  }
}
