package switchboard.fingerprint.hardware;

import io.vertx.core.json.JsonObject;

/** A reader attached to this node; confined to the hardware verticle's context. */
final class Device {

  final String id;
  final String serialNumber;
  final String model;
  final String firmwareVersion;
  final ReaderDriver driver;
  /** The simulated reader's settings, or null for a USB reader. */
  final HardwareConfig.SimulatedReader simulated;
  String status = "idle";
  ScanSession active;

  Device(String id, String serialNumber, String model, String firmwareVersion, ReaderDriver driver,
         HardwareConfig.SimulatedReader simulated) {
    this.id = id;
    this.serialNumber = serialNumber;
    this.model = model;
    this.firmwareVersion = firmwareVersion;
    this.driver = driver;
    this.simulated = simulated;
  }

  JsonObject toJson(String shownStatus) {
    return new JsonObject().put("id", id).put("serialNumber", serialNumber).put("model", model)
        .put("status", shownStatus).put("firmwareVersion", firmwareVersion);
  }
}
