package switchboard.fingerprint.hardware;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.fingerprint.FingerprintBusApi;
import switchboard.fingerprint.FingerprintVerticle;

import java.util.Objects;

/**
 * Publishes device and scan frames on {@link Addresses#FINGERPRINT_DEVICE_EVENTS}; the headers say whom a
 * frame concerns, so the frame itself stays exactly what clients see.
 */
final class DeviceEvents {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceEvents.class);

  private final EventBus bus;
  /** Set while stopping a single node: its own clients are being closed, so there is nobody to tell. */
  private boolean silent;

  DeviceEvents(EventBus bus) {
    this.bus = Objects.requireNonNull(bus, "bus");
  }

  void silence() {
    silent = true;
  }

  /**
   * A finished scan: its template goes only to the connection that started it, by request to that
   * connection's node; everybody else concerned (subscribers, admins) gets the frame without it.
   */
  void publishComplete(JsonObject frame, String deviceId, String owner, String ownerNode) {
    if (silent) {
      return;
    }
    JsonObject withoutTemplate = frame.copy();
    withoutTemplate.remove("template");
    boolean direct = owner != null && ownerNode != null;
    publish(withoutTemplate, deviceId, owner, direct ? owner : null);
    if (direct) {
      DeliveryOptions options = new DeliveryOptions().addHeader(FingerprintBusApi.OWNER_HEADER, owner);
      bus.request(Addresses.nodeDelivery(FingerprintVerticle.SERVICE, ownerNode), frame, options)
          .onFailure(err -> LOG.debug("template of {} not delivered: {}", frame.getString("scanId"), err.toString()));
    }
  }

  void publish(JsonObject frame, String deviceId, String owner, String exclude) {
    if (silent) {
      return;
    }
    DeliveryOptions options = new DeliveryOptions().addHeader(FingerprintBusApi.DEVICE_HEADER, deviceId);
    if (owner != null) {
      options.addHeader(FingerprintBusApi.OWNER_HEADER, owner);
    }
    if (exclude != null) {
      options.addHeader(FingerprintBusApi.EXCLUDE_HEADER, exclude);
    }
    bus.publish(Addresses.FINGERPRINT_DEVICE_EVENTS, frame, options);
  }
}
