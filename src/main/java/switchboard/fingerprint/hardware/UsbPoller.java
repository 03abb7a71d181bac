package switchboard.fingerprint.hardware;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import switchboard.fingerprint.impl.LogStream;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Polls the USB bus for the configured reader models and attaches or detaches them as they come and go.
 * Runs on the hardware verticle's worker context: USB calls block.
 */
final class UsbPoller {

  private final Vertx vertx;
  private final Context context;
  private final HardwareConfig hardware;
  private final DeviceRegistry registry;
  private final LogStream log;
  private final Supplier<UsbBus> usbFactory;
  private UsbBus usb;
  private long pollTimer = -1;
  private volatile String problem;

  UsbPoller(Vertx vertx, Context context, HardwareConfig hardware, DeviceRegistry registry, LogStream log,
            Supplier<UsbBus> usbFactory) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.context = Objects.requireNonNull(context, "context");
    this.hardware = Objects.requireNonNull(hardware, "hardware");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.log = Objects.requireNonNull(log, "log");
    this.usbFactory = Objects.requireNonNull(usbFactory, "usbFactory");
  }

  /** Opens the bus and polls it now and then periodically; on failure, says why once and stays idle. */
  void start() {
    UsbBus bus = usbFactory.get();
    try {
      bus.open();
    } catch (UsbBus.UsbUnavailableException e) {
      problem = e.getMessage();
      // Said once: containers and CI machines have no USB bus, and the simulated readers carry on.
      log.warn("USB is unavailable on this node; only simulated readers are attached",
          new JsonObject().put("reason", e.getMessage()));
      return;
    }
    usb = bus;
    log.info("USB bus open; polling for fingerprint readers", new JsonObject()
        .put("pollIntervalMs", hardware.usb().pollInterval().toMillis()).put("models", hardware.usb().readers().size()));
    poll();
    pollTimer = vertx.setPeriodic(hardware.usb().pollInterval().toMillis(), id -> poll());
  }

  void stop() {
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
  }

  /** Releases the bus; after the devices are detached. */
  void close() {
    if (usb != null) {
      usb.close();
    }
  }

  /** Why the USB bus is not used, or null when it is polled (or switched off). */
  String problem() {
    return problem;
  }

  boolean available() {
    return usb != null && problem == null;
  }

  private void poll() {
    List<UsbBus.UsbReader> present;
    try {
      present = usb.readers(hardware.usb().readers());
    } catch (RuntimeException e) {
      if (problem == null) {
        problem = e.getMessage();
        log.warn("Listing the USB bus failed; will keep trying", new JsonObject().put("reason", String.valueOf(e.getMessage())));
      }
      return;
    }
    if (problem != null) {
      log.info("Listing the USB bus works again", null);
      problem = null;
    }
    Set<String> seen = new HashSet<>();
    for (UsbBus.UsbReader r : present) {
      seen.add(r.id());
      if (!registry.contains(r.id())) {
        ReaderDriver driver = hardware.usb().captureDriver() == HardwareConfig.CaptureDriver.NONE
            ? new NoCaptureDriver(context)
            : new SimulatedReaderDriver(vertx, captureProfile(r.id()), hardware.simulated().seed());
        registry.attach(new Device(r.id(), r.serialNumber(), r.model(), r.firmwareVersion(), driver, null));
      }
    }
    for (Device d : registry.all()) {
      if (d.simulated == null && !seen.contains(d.id)) {
        registry.detach(d, "Device unplugged");
      }
    }
  }

  /** The simulated capture behaviour used on a real reader whose capture protocol is not built in. */
  private static HardwareConfig.SimulatedReader captureProfile(String id) {
    return new HardwareConfig.SimulatedReader(id, id, id, "", 60, 98, Duration.ofMillis(1500),
        Duration.ofMillis(800), HardwareConfig.Failure.NONE, Duration.ofSeconds(3));
  }
}
