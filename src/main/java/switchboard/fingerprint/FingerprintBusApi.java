package switchboard.fingerprint;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import switchboard.bus.Addresses;
import switchboard.bus.LocalLoops;
import switchboard.bus.NodeMessage;
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
 *
 * <p>The node's consumer encodes each frame once and hands it to every event loop of the service
 * ({@link LocalLoops}); each loop writes it to its own connections ({@link #deliver}). Who hears what
 * ({@link Audience}) is partitioned per loop rather than shared: only a connection's loop may write to it,
 * so a shared index would still have to hop there, and subscribing stays a plain map update on the loop.
 */
public final class FingerprintBusApi {

  /** Event header naming the device an event concerns (scan:stopped carries no deviceId of its own). */
  public static final String DEVICE_HEADER = "deviceId";
  /** Event header naming the connection that started a scan. */
  public static final String OWNER_HEADER = "owner";
  /** Event header naming a connection that must not get the event (it got a reply instead). */
  public static final String EXCLUDE_HEADER = "exclude";

  /** Members of an event handed to the loops: the frame, its encoding, its headers, and whether it is owner-only. */
  private static final String FRAME = "frame";
  private static final String TEXT = "text";
  private static final String OWNER_ONLY = "ownerOnly";

  private final Vertx vertx;
  private final LocalLoops loops;
  private final String nodeId;
  private MessageConsumer<JsonObject> events;
  private MessageConsumer<JsonObject> ownerDelivery;

  FingerprintBusApi(Vertx vertx, String nodeId, LocalLoops loops) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.loops = Objects.requireNonNull(loops, "loops");
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

  /**
   * A frame for one connection of this node only (a finished scan with its template), answered once written.
   * Every loop looks for the connection; the one that holds it writes.
   */
  private void onOwnerDelivery(Message<JsonObject> msg) {
    loops.deliver(new NodeMessage.ToAll(envelope(msg).put(OWNER_ONLY, true))).onComplete(written -> {
      if (written.succeeded() && written.result() > 0) {
        msg.reply(null);
      } else {
        msg.fail(FingerprintProtocol.ErrorCode.SCAN_NOT_FOUND.code(), "the connection that started the scan is gone");
      }
    });
  }

  private void onEvent(Message<JsonObject> msg) {
    loops.deliver(new NodeMessage.ToAll(envelope(msg)));
  }

  private static JsonObject envelope(Message<JsonObject> msg) {
    JsonObject frame = msg.body();
    JsonObject envelope = new JsonObject().put(FRAME, frame).put(TEXT, frame.encode());
    for (String header : new String[] {DEVICE_HEADER, OWNER_HEADER, EXCLUDE_HEADER}) {
      String value = msg.headers().get(header);
      if (value != null) {
        envelope.put(header, value);
      }
    }
    return envelope;
  }

  /**
   * One loop's share of an event: writes it to the loop's admins (log:entry frames), or to the device's
   * subscribers, the admins and the scan's owner if it is on this loop, except the excluded connection;
   * answers how many it was written to. Runs on the loop that owns {@code audience} and {@code endpoint}.
   */
  static int deliver(Audience audience, WsEndpoint endpoint, NodeMessage message) {
    if (!(message instanceof NodeMessage.ToAll all)) {
      return 0;
    }
    JsonObject envelope = all.frame();
    JsonObject frame = envelope.getJsonObject(FRAME);
    String text = envelope.getString(TEXT);
    String ownerId = envelope.getString(OWNER_HEADER);
    WsConnection owner = ownerId == null ? null : endpoint.connection(ownerId);
    if (envelope.getBoolean(OWNER_ONLY, false)) {
      if (owner == null) {
        return 0;
      }
      FingerprintHandler.session(owner).activeScans.remove(frame.getString("scanId"));
      owner.send(text);
      return 1;
    }
    String type = frame.getString("type", "");
    if (type.equals("log:entry")) {
      Set<WsConnection> admins = audience.admins();
      admins.forEach(c -> c.send(text));
      return admins.size();
    }
    Set<WsConnection> targets = audience.of(envelope.getString(DEVICE_HEADER));
    if (owner != null) {
      targets.add(owner);
      if (FingerprintProtocol.SCAN_ENDINGS.contains(type)) {
        FingerprintHandler.session(owner).activeScans.remove(frame.getString("scanId"));
      }
    }
    String exclude = envelope.getString(EXCLUDE_HEADER);
    int written = 0;
    for (WsConnection c : targets) {
      if (!c.id().equals(exclude)) {
        c.send(text);
        written++;
      }
    }
    return written;
  }
}
