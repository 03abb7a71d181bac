package switchboard.securecall;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import switchboard.bus.Addresses;
import switchboard.securecall.impl.CallRecord;

import java.util.Objects;

/** SecureCall's event-bus API: call lifecycle events published on {@code securecall.events}. */
public final class SecureCallBusApi {

  private final Vertx vertx;
  private final String nodeId;

  public SecureCallBusApi(Vertx vertx, String nodeId) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
  }

  /** Publishes {@code event} (call.initiated, call.accepted, call.rejected, call.ended) for {@code call}. */
  public void publish(String event, CallRecord call, String reason) {
    JsonObject body = new JsonObject().put("event", event).put("callId", call.callId())
        .put("callerId", call.callerId()).put("calleeId", call.calleeId()).put("node", nodeId)
        .put("at", System.currentTimeMillis());
    if (reason != null) {
      body.put("reason", reason);
    }
    vertx.eventBus().publish(Addresses.SECURECALL_EVENTS, body);
  }
}
