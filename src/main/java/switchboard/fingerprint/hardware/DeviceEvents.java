package switchboard.fingerprint.hardware;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import switchboard.bus.Addresses;
import switchboard.fingerprint.FingerprintBusApi;

import java.util.Objects;

/**
 * Publishes device and scan frames on {@link Addresses#FINGERPRINT_DEVICE_EVENTS}; the headers say whom a
 * frame concerns, so the frame itself stays exactly what clients see.
 */
final class DeviceEvents {

  private final EventBus bus;
  /** Set while stopping a single node: its own clients are being closed, so there is nobody to tell. */
  private boolean silent;

  DeviceEvents(EventBus bus) {
    this.bus = Objects.requireNonNull(bus, "bus");
  }

  void silence() {
    silent = true;
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
