package switchboard.fingerprint.hardware;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.bus.ClusterView;
import switchboard.bus.SessionDirectory;
import switchboard.fingerprint.FingerprintProtocol;
import switchboard.fingerprint.impl.LogStream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The readers attached to this node, entered in the cluster-wide device directory so any node can route a
 * client's command here. Attaching, detaching and status changes are published as device events.
 */
final class DeviceRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceRegistry.class);

  private final Vertx vertx;
  private final String nodeId;
  private final HardwareConfig hardware;
  private final SessionDirectory directory;
  private final DeviceEvents events;
  private final LogStream log;
  private final Map<String, Device> devices = new HashMap<>();
  private Consumer<Device> beforeDetach = device -> { };

  DeviceRegistry(Vertx vertx, ClusterView cluster, String nodeId, HardwareConfig hardware, DeviceEvents events,
                 LogStream log) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.hardware = Objects.requireNonNull(hardware, "hardware");
    this.directory = new SessionDirectory(vertx, cluster, Addresses.FINGERPRINT_DEVICES_MAP);
    this.events = Objects.requireNonNull(events, "events");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Called with a device about to be detached (the scan runner ends its scan first). */
  void beforeDetach(Consumer<Device> hook) {
    this.beforeDetach = Objects.requireNonNull(hook, "hook");
  }

  Device get(String deviceId) {
    return devices.get(deviceId);
  }

  boolean contains(String deviceId) {
    return devices.containsKey(deviceId);
  }

  List<Device> all() {
    return new ArrayList<>(devices.values());
  }

  Device simulated(HardwareConfig.SimulatedReader reader) {
    return new Device(reader.id(), reader.serialNumber(), reader.model(), reader.firmwareVersion(),
        new SimulatedReaderDriver(vertx, reader, hardware.simulated().seed()), reader);
  }

  Future<Void> attach(Device device) {
    devices.put(device.id, device);
    return directory.putIfAbsent(device.id, entry(device, device.status))
        .compose(free -> {
          if (free) {
            return Future.succeededFuture(true);
          }
          // An entry of ours can be left over from a detach whose removal has not landed yet.
          return directory.nodeOf(device.id).compose(node -> nodeId.equals(node)
              ? directory.put(device.id, entry(device, device.status)).map(true)
              : Future.succeededFuture(false));
        })
        .map(registered -> {
          if (!registered) {
            devices.remove(device.id);
            device.driver.close();
            log.warn("Device id already attached on another node; ignored here", new JsonObject().put("deviceId", device.id));
            return null;
          }
          events.publish(FingerprintProtocol.deviceConnected(device.toJson("connected")), device.id, null, null);
          log.info("Device connected", new JsonObject().put("deviceId", device.id)
              .put("serialNumber", device.serialNumber).put("model", device.model)
              .put("driver", device.simulated != null ? "simulated" : hardware.usb().captureDriver().name().toLowerCase()));
          return null;
        });
  }

  Future<Void> detach(Device device, String reason) {
    if (devices.remove(device.id) == null) {
      return Future.succeededFuture();
    }
    beforeDetach.accept(device);
    device.driver.close();
    events.publish(FingerprintProtocol.deviceDisconnected(device.id, reason), device.id, null, null);
    log.info("Device disconnected", new JsonObject().put("deviceId", device.id).put("reason", reason));
    return directory.removeOwn(device.id).mapEmpty();
  }

  void setStatus(Device device, String status) {
    if (device.status.equals(status) || !devices.containsKey(device.id)) {
      return;
    }
    String previous = device.status;
    device.status = status;
    events.publish(FingerprintProtocol.deviceStatus(device.id, status, previous), device.id, null, null);
    directory.put(device.id, entry(device, status))
        .onFailure(err -> LOG.warn("could not record the status of {}: {}", device.id, err.toString()));
  }

  private static JsonObject entry(Device device, String status) {
    return new JsonObject().put("device", device.toJson(status));
  }
}
