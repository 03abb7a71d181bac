package switchboard.fingerprint.hardware;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.fingerprint.FingerprintConfig;
import switchboard.fingerprint.impl.LogStream;
import switchboard.platform.Platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The readers attached to this node, on a worker verticle that owns the USB bus (USB calls block, so they
 * never touch an event loop); one per node, whatever the front's {@code instances}: a reader is claimed by one
 * owner and its transfers run one at a time, so a second owner of the bus would contend for the same devices.
 * Wires the {@link DeviceRegistry} (attached readers, the cluster-wide device directory), the
 * {@link UsbPoller} (hot-plug through usb4java) and the {@link ScanRunner} (device commands on {@code fingerprint.device.commands.<nodeId>}, scans), all
 * publishing on {@link Addresses#FINGERPRINT_DEVICE_EVENTS}.
 *
 * <p>Worker contexts run one task at a time in order, so none of them needs locks.
 */
public final class HardwareVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HardwareVerticle.class);

  private final Platform platform;
  private final FingerprintConfig config;
  private final Supplier<UsbBus> usbFactory;
  private DeviceEvents events;
  private DeviceRegistry registry;
  private UsbPoller usb;
  private LogStream log;
  private MessageConsumer<JsonObject> commands;
  private volatile boolean startedOnWorker;
  private volatile String threadName;

  /**
   * @param usbFactory the USB bus to poll ({@link Usb4JavaBus} in production; tests may pass another)
   */
  public HardwareVerticle(Platform platform, FingerprintConfig config, Supplier<UsbBus> usbFactory) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.usbFactory = Objects.requireNonNull(usbFactory, "usbFactory");
  }

  @Override
  public Future<?> start() {
    startedOnWorker = context.isWorkerContext();
    threadName = Thread.currentThread().getName();
    HardwareConfig hardware = config.hardware();
    log = new LogStream(vertx.eventBus(), LOG, platform.nodeId());
    events = new DeviceEvents(vertx.eventBus());
    registry = new DeviceRegistry(vertx, platform.cluster(), platform.nodeId(), hardware, events, log);
    ScanRunner scans = new ScanRunner(vertx, platform.cluster(), config.scan(), registry, events, log);
    usb = new UsbPoller(vertx, context, hardware, registry, log, usbFactory);
    commands = vertx.eventBus().consumer(Addresses.fingerprintCommands(platform.nodeId()), scans::onCommand);
    List<Future<?>> attached = new ArrayList<>();
    attached.add(commands.completion());
    if (hardware.simulated().enabled()) {
      for (HardwareConfig.SimulatedReader reader : hardware.simulated().devices()) {
        attached.add(registry.attach(registry.simulated(reader)));
      }
    }
    if (hardware.usb().enabled()) {
      usb.start();
    }
    return Future.all(attached);
  }

  @Override
  public Future<?> stop() {
    usb.stop();
    if (!platform.cluster().clustered()) {
      events.silence();
      log.mute();
    }
    List<Future<?>> detached = new ArrayList<>();
    for (Device d : registry.all()) {
      detached.add(registry.detach(d, "Service stopping"));
    }
    usb.close();
    detached.add(commands.unregister());
    return Future.join(detached);
  }

  /** True when start() ran on a worker context (never an event loop). */
  public boolean startedOnWorker() {
    return startedOnWorker;
  }

  /** The thread start() ran on. */
  public String threadName() {
    return threadName;
  }

  /** Why the USB bus is not used, or null when it is polled (or switched off). */
  public String usbProblem() {
    return usb.problem();
  }

  /** True when the USB bus opened and is polled. */
  public boolean usbAvailable() {
    return usb.available();
  }
}
