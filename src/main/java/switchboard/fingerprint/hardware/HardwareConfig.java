package switchboard.fingerprint.hardware;

import io.vertx.core.json.JsonObject;
import switchboard.config.ConfigReader;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of the hardware (worker) verticle: USB polling for real readers and the simulated readers.
 *
 * @param enabled   run the hardware verticle on this node (a node without it still serves clients and
 *                  routes their commands to the nodes that own the devices)
 * @param usb       usb4java polling
 * @param simulated simulated readers
 */
public record HardwareConfig(boolean enabled, Usb usb, Simulated simulated) {

  /** How captures run on a reader found on the USB bus. */
  public enum CaptureDriver {
    /** Simulated captures (the vendor capture protocols are proprietary; see docs/fingerprint.md). */
    SIMULATED,
    /** Report the reader, but answer every scan on it with a 5001 scan:error. */
    NONE
  }

  /** What a simulated reader does when asked to capture. */
  public enum Failure {
    /** A finger is detected and captured with a quality in [qualityMin, qualityMax]. */
    NONE,
    /** No finger ever arrives: scans time out. */
    NO_FINGER,
    /** The sensor reports an error after the detect delay: scan:error 5001. */
    ERROR,
    /** The reader is unplugged after the detect delay, and plugged in again after replugAfterMs. */
    UNPLUG
  }

  /**
   * @param enabled       poll the USB bus
   * @param pollInterval  how often the bus is listed (hot-plug detection)
   * @param captureDriver how scans on a found reader run
   * @param readers       vendor/product ids that are fingerprint readers
   */
  public record Usb(boolean enabled, Duration pollInterval, CaptureDriver captureDriver, List<UsbReaderId> readers) {
  }

  /** A USB vendor/product id pair that identifies a reader model. */
  public record UsbReaderId(int vendorId, int productId, String model) {
  }

  /**
   * @param enabled attach the simulated readers
   * @param seed    seed of every simulated reader's random source (each mixes in its own id)
   * @param devices the readers
   */
  public record Simulated(boolean enabled, long seed, List<SimulatedReader> devices) {
  }

  /**
   * One simulated reader.
   *
   * @param detectDelay time from capture start to fingerprint:detected
   * @param captureTime time from detection to the captured impression
   * @param replugAfter for {@link Failure#UNPLUG}: when the reader comes back
   */
  public record SimulatedReader(String id, String serialNumber, String model, String firmwareVersion,
                                int qualityMin, int qualityMax, Duration detectDelay, Duration captureTime,
                                Failure failure, Duration replugAfter) {
  }

  public static HardwareConfig read(ConfigReader r) {
    ConfigReader u = r.section("usb");
    List<UsbReaderId> readers = u.has("readers")
        ? u.sections("readers").stream().map(HardwareConfig::readUsbId).toList()
        : List.of(new UsbReaderId(0x1b55, 0x0120, "ZKTeco SLK20R"));
    Usb usb = new Usb(u.bool("enabled", true), u.millis("pollIntervalMs", 2000, 100, 3_600_000),
        u.enumValue("captureDriver", CaptureDriver.class, CaptureDriver.SIMULATED), readers);
    ConfigReader s = r.section("simulated");
    List<SimulatedReader> devices = s.has("devices")
        ? s.sections("devices").stream().map(HardwareConfig::readSimulated).toList()
        : List.of(readSimulated(new ConfigReader(new JsonObject().put("id", "device-001"))));
    Set<String> ids = new HashSet<>();
    for (SimulatedReader d : devices) {
      if (!ids.add(d.id())) {
        throw s.invalid("devices", "device id \"" + d.id() + "\" appears twice");
      }
    }
    Simulated simulated = new Simulated(s.bool("enabled", true), s.longValue("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE),
        devices);
    return new HardwareConfig(r.bool("enabled", true), usb, simulated);
  }

  private static UsbReaderId readUsbId(ConfigReader r) {
    return new UsbReaderId(hexId(r, "vendorId"), hexId(r, "productId"), r.string("model", "Fingerprint reader"));
  }

  /** USB ids are written as lsusb prints them: four hex digits ("1b55"). */
  private static int hexId(ConfigReader r, String name) {
    String s = r.requiredString(name);
    if (!s.matches("(0x)?[0-9a-fA-F]{1,4}")) {
      throw r.invalid(name, "must be a 16-bit hex id such as \"1b55\" (was \"" + s + "\")");
    }
    return Integer.parseInt(s.startsWith("0x") ? s.substring(2) : s, 16);
  }

  private static SimulatedReader readSimulated(ConfigReader r) {
    String id = r.requiredString("id");
    if (!id.matches("[A-Za-z0-9._:-]{1,64}")) {
      throw r.invalid("id", "must be 1-64 characters of letters, digits and ._:- (was \"" + id + "\")");
    }
    int min = r.integer("qualityMin", 60, 0, 100);
    int max = r.integer("qualityMax", 98, 0, 100);
    if (max < min) {
      throw r.invalid("qualityMax", "must be at least qualityMin (" + min + ")");
    }
    return new SimulatedReader(id,
        r.string("serialNumber", "SIM-" + id),
        r.string("model", "Switchboard Simulated Reader"),
        r.string("firmwareVersion", "1.0.0"),
        min, max,
        r.millis("detectDelayMs", 1500, 0, 600_000),
        r.millis("captureTimeMs", 800, 0, 600_000),
        r.enumValue("failure", Failure.class, Failure.NONE),
        r.millis("replugAfterMs", 3000, 10, 3_600_000));
  }
}
