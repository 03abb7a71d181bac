package switchboard.securecall.impl;

import io.vertx.core.Future;
import switchboard.platform.ServiceMetrics;
import switchboard.securecall.SecureCallProtocol;
import switchboard.securecall.SecureCallProtocol.ErrorCode;
import switchboard.ws.WsConnection;

import java.util.Objects;

/** Sends ERROR frames and counts them by code; the connection stays open. */
public final class ErrorReplies {

  private final ServiceMetrics metrics;

  public ErrorReplies(ServiceMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  public void send(WsConnection c, ErrorCode code, String message) {
    metrics.error(code.name());
    c.send(SecureCallProtocol.error(code, message).encode());
  }

  /** {@link #send}, as the outcome of a message that was handled by refusing it. */
  public Future<Void> reply(WsConnection c, ErrorCode code, String message) {
    send(c, code, message);
    return Future.succeededFuture();
  }
}
