package switchboard.fingerprint;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import switchboard.bus.Addresses;
import switchboard.fingerprint.impl.Audience;
import switchboard.ws.WsConnection;
import switchboard.ws.WsEndpoint;

import java.util.Objects;
import java.util.Set;

/**
 * The device events every hardware verticle publishes on {@link Addresses#FINGERPRINT_DEVICE_EVENTS}, taken
 * by one consumer per node and written to this node's clients: a device's subscribers, the client that
 * started the scan, and every admin (who alone get log:entry frames). The frames travel exactly as clients
 * see them; the headers below say whom they concern.
 */
public final class FingerprintBusApi {

  /** Event header naming the device an event concerns (scan:stopped carries no deviceId of its own). */
  public static final String DEVICE_HEADER = "deviceId";
  /** Event header naming the connection that started a scan. */
  public static final String OWNER_HEADER = "owner";
  /** Event header naming a connection that must not get the event (it got a reply instead). */
  public static final String EXCLUDE_HEADER = "exclude";

  private final Vertx vertx;
  private final Audience audience;
  private final WsEndpoint endpoint;
  private MessageConsumer<JsonObject> events;

  FingerprintBusApi(Vertx vertx, Audience audience, WsEndpoint endpoint) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
  }

  /** Registers the consumer; completes once the cluster knows it. */
  Future<Void> start() {
    events = vertx.eventBus().consumer(Addresses.FINGERPRINT_DEVICE_EVENTS, this::onEvent);
    return events.completion();
  }

  Future<Void> stop() {
    return events == null ? Future.succeededFuture() : events.unregister();
  }

  private void onEvent(Message<JsonObject> msg) {
    JsonObject frame = msg.body();
    String type = frame.getString("type", "");
    String text = frame.encode();
    if (type.equals("log:entry")) {
      audience.admins().forEach(c -> c.send(text));
      return;
    }
    Set<WsConnection> targets = audience.of(msg.headers().get(DEVICE_HEADER));
    String ownerId = msg.headers().get(OWNER_HEADER);
    WsConnection owner = ownerId == null ? null : endpoint.connection(ownerId);
    if (owner != null) {
      targets.add(owner);
      if (FingerprintProtocol.SCAN_ENDINGS.contains(type)) {
        FingerprintHandler.session(owner).activeScans.remove(frame.getString("scanId"));
      }
    }
    String exclude = msg.headers().get(EXCLUDE_HEADER);
    for (WsConnection c : targets) {
      if (!c.id().equals(exclude)) {
        c.send(text);
      }
    }
  }
}
