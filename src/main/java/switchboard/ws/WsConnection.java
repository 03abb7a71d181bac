package switchboard.ws;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import switchboard.auth.Principal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * One open WebSocket of a service, confined to the service verticle's event loop. Holds what the transport
 * tracks (deadlines, rate bucket, heart-beat, outbound back-pressure), one slot for the codec's state and one
 * for the service's own.
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
  long idleTimeoutNanos;
  private long lastWriteNanos = openedAtNanos;
  private long heartbeatNanos;
  private Buffer heartbeat;
  Object codecState;
  private boolean authenticated;
  private long expiresAtMillis;
  private Object state;
  int rateStrikes;
  int oversizeStrikes;
  boolean behind;
  long behindSinceNanos;
  long bytesWhileBehind;
  Buffer fragments;
  boolean fragmentsText;
  boolean discarding;
  private boolean closing;

  WsConnection(WsEndpoint endpoint, ServerWebSocket socket, String remoteIp, WsLimits limits) {
    this.endpoint = endpoint;
    this.socket = socket;
    this.remoteIp = remoteIp;
    this.bucket = limits.messagesPerSecond() > 0
        ? new TokenBucket(limits.messagesPerSecond(), limits.burst(), openedAtNanos) : null;
    this.idleTimeoutNanos = limits.idleTimeout().toNanos();
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

  long authTimeoutMillis() {
    return endpoint.limits().authTimeout().toMillis();
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

  /**
   * Ends the auth window for a connection that authenticated with a token: the endpoint's sweep closes it
   * with the service's token-expired code once the token's expiry has passed.
   */
  public void authenticated(Principal principal) {
    markAuthenticated();
    expiresAt(principal.expiresAt());
  }

  /** Moves the expiry, e.g. when the peer presented a fresh token; null: the connection never expires. */
  public void expiresAt(Instant expiresAt) {
    expiresAtMillis = expiresAt == null ? 0 : Math.max(1, expiresAt.toEpochMilli());
  }

  boolean expiredAt(long nowMillis) {
    return expiresAtMillis > 0 && nowMillis >= expiresAtMillis;
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

  /** Takes one message from the connection's rate budget; false when it is spent. */
  public boolean tryTakeToken() {
    return tryTakeToken(System.nanoTime());
  }

  boolean tryTakeToken(long now) {
    return bucket == null || bucket.tryTake(now);
  }

  /** Replaces the idle timeout for this connection (zero: never), e.g. with one its protocol negotiated. */
  public void idleTimeout(long millis) {
    idleTimeoutNanos = millis * 1_000_000L;
  }

  /**
   * Has the endpoint's sweep write {@code beat} as a binary message whenever nothing was written for
   * {@code periodMillis} (zero: never), for protocols whose peers expect heart-beats.
   */
  public void heartbeat(long periodMillis, Buffer beat) {
    heartbeatNanos = periodMillis * 1_000_000L;
    heartbeat = beat;
  }

  void heartbeatIfDue(long now) {
    if (heartbeatNanos > 0 && now - lastWriteNanos >= heartbeatNanos && mayWrite(heartbeat.length())) {
      socket.writeBinaryMessage(heartbeat);
    }
  }

  /** The codec's own per-connection state. */
  @SuppressWarnings("unchecked")
  <T> T codecState() {
    return (T) codecState;
  }

  /**
   * Queues a text message. A socket whose peer stopped reading counts as behind; once it has been behind
   * longer than the grace period, or has been given more than the hard byte limit while behind, it is
   * closed with the slow-consumer code, so its memory stays bounded.
   *
   * @return false when the message was not sent (connection closed or closed now for being too slow)
   */
  public boolean send(String text) {
    if (!mayWrite(text.length())) {
      return false;
    }
    socket.writeTextMessage(text);
    endpoint.metrics().messageOut();
    return true;
  }

  /**
   * Queues a text message given as its UTF-8 bytes, under the same slow-consumer policy as {@link
   * #send(String)}. The bytes go out as they are, so a frame encoded once can be written to many sockets and
   * a frame built as bytes is never turned into a string and back; the caller must not change the array
   * afterwards.
   */
  public boolean sendText(byte[] utf8) {
    if (!mayWrite(utf8.length)) {
      return false;
    }
    if (utf8.length <= endpoint.limits().hardFrameBytes()) {
      // Vert.x has no public text frame from bytes: this is the frame its writeTextMessage builds once it
      // has encoded the string, wrapping the array without a copy
      socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true));
    } else {
      // longer than the server's frame limit: writeTextMessage splits it into frames the peer accepts
      socket.writeTextMessage(new String(utf8, StandardCharsets.UTF_8));
    }
    endpoint.metrics().messageOut();
    return true;
  }

  /** Queues a binary message, under the same slow-consumer policy as {@link #send(String)}. */
  public boolean send(Buffer data) {
    if (!mayWrite(data.length())) {
      return false;
    }
    socket.writeBinaryMessage(data);
    endpoint.metrics().messageOut();
    return true;
  }

  private boolean mayWrite(int bytes) {
    if (!isOpen()) {
      return false;
    }
    long now = System.nanoTime();
    if (socket.writeQueueFull()) {
      if (!behind) {
        behind = true;
        behindSinceNanos = now;
        bytesWhileBehind = 0;
      }
      bytesWhileBehind += bytes;
      if (bytesWhileBehind > endpoint.limits().outboundHardBytes()) {
        close(endpoint.closeCodes().slowConsumer(), "slow consumer");
        return false;
      }
    }
    lastWriteNanos = now;
    return true;
  }

  /** Sends the service's error frame for a plumbing problem. */
  public void sendProblem(WsProblem problem) {
    endpoint.metrics().error(problem.name());
    endpoint.codec().onProblem(this, problem);
  }

  void drained() {
    behind = false;
  }

  /** Sends a WebSocket ping frame; the peer's pong (like any inbound frame) moves {@link #lastInboundNanos()}. */
  public void ping() {
    if (isOpen()) {
      socket.writePing(Buffer.buffer());
    }
  }

  /** {@link System#nanoTime()} of the last inbound frame of any kind (pongs included), or of the open. */
  public long lastInboundNanos() {
    return lastSeenNanos;
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
