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
  private final String nodeId;
  private MessageConsumer<JsonObject> events;
  private MessageConsumer<JsonObject> ownerDelivery;

  FingerprintBusApi(Vertx vertx, String nodeId, Audience audience, WsEndpoint endpoint) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
  }

  /** Registers the consumers; completes once the cluster knows them. */
  Future<Void> start() {
    events = vertx.eventBus().consumer(Addresses.FINGERPRINT_DEVICE_EVENTS, this::onEvent);
    ownerDelivery = vertx.eventBus().consumer(Addresses.nodeDelivery(FingerprintVerticle.SERVICE, nodeId),
        this::onOwnerDelivery);
    return Future.all(events.completion(), ownerDelivery.completion()).mapEmpty();
  }

  Future<Void> stop() {
    return events == null ? Future.succeededFuture()
        : Future.all(events.unregister(), ownerDelivery.unregister()).mapEmpty();
  }

  /** A frame for one connection of this node only (a finished scan with its template), answered once written. */
  private void onOwnerDelivery(Message<JsonObject> msg) {
    WsConnection owner = endpoint.connection(msg.headers().get(OWNER_HEADER));
    if (owner == null) {
      msg.fail(FingerprintProtocol.ErrorCode.SCAN_NOT_FOUND.code(), "the connection that started the scan is gone");
      return;
    }
    JsonObject frame = msg.body();
    FingerprintHandler.session(owner).activeScans.remove(frame.getString("scanId"));
    owner.send(frame.encode());
    msg.reply(null);
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
