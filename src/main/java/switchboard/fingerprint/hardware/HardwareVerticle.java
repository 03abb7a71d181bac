package switchboard.fingerprint.hardware;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.bus.SessionDirectory;
import switchboard.fingerprint.FingerprintConfig;
import switchboard.fingerprint.FingerprintProtocol.ErrorCode;
import switchboard.fingerprint.FingerprintProtocol;
import switchboard.fingerprint.impl.DeviceCommands;
import switchboard.fingerprint.impl.LogStream;
import switchboard.platform.Platform;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The readers attached to this node, on a worker verticle (USB calls block, so they never touch an event
 * loop). Polls the USB bus through usb4java for the configured vendor/product ids, attaches the simulated
 * readers, runs scan sessions on top of each reader's {@link ReaderDriver}, publishes every device and
 * scan event on {@link Addresses#FINGERPRINT_DEVICE_EVENTS}, and answers commands for its devices on
 * {@code fingerprint.device.commands.<nodeId>}. Devices and scans are entered in cluster-wide directories
 * so any node can route a client's command here.
 *
 * <p>Worker contexts run one task at a time in order, so the state below needs no locks.
 */
public final class HardwareVerticle extends VerticleBase {

  /** Event-bus header naming the device an event concerns (scan:stopped carries no deviceId of its own). */
  public static final String DEVICE_HEADER = "deviceId";
  /** Event-bus header naming the connection that started a scan. */
  public static final String OWNER_HEADER = "owner";
  /** Event-bus header naming a connection that must not get the event (it got a reply instead). */
  public static final String EXCLUDE_HEADER = "exclude";

  private static final Logger LOG = LoggerFactory.getLogger(HardwareVerticle.class);

  private final Platform platform;
  private final FingerprintConfig config;
  private final HardwareConfig hardware;
  private final Supplier<UsbBus> usbFactory;
  private final Map<String, Device> devices = new HashMap<>();
  private final LinkedHashMap<String, ScanSession> scans = new LinkedHashMap<>();
  private SessionDirectory deviceDirectory;
  private SessionDirectory scanDirectory;
  private LogStream log;
  private MessageConsumer<JsonObject> commands;
  private UsbBus usb;
  private long pollTimer = -1;
  /** Set while stopping a single node: its own clients are being closed, so there is nobody to tell. */
  private boolean silent;
  private volatile String usbProblem;
  private volatile boolean startedOnWorker;
  private volatile String threadName;

  /** A reader attached here. */
  private static final class Device {
    final String id;
    final String serialNumber;
    final String model;
    final String firmwareVersion;
    final ReaderDriver driver;
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

  /**
   * @param usbFactory the USB bus to poll ({@link Usb4JavaBus} in production; tests may pass another)
   */
  public HardwareVerticle(Platform platform, FingerprintConfig config, Supplier<UsbBus> usbFactory) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.hardware = config.hardware();
    this.usbFactory = Objects.requireNonNull(usbFactory, "usbFactory");
  }

  @Override
  public Future<?> start() {
    startedOnWorker = context.isWorkerContext();
    threadName = Thread.currentThread().getName();
    log = new LogStream(vertx.eventBus(), LOG, platform.nodeId());
    deviceDirectory = new SessionDirectory(vertx, platform.cluster(), Addresses.FINGERPRINT_DEVICES_MAP);
    scanDirectory = new SessionDirectory(vertx, platform.cluster(), Addresses.FINGERPRINT_SCANS_MAP);
    commands = vertx.eventBus().consumer(Addresses.fingerprintCommands(platform.nodeId()), this::onCommand);
    List<Future<?>> attached = new ArrayList<>();
    attached.add(commands.completion());
    if (hardware.simulated().enabled()) {
      for (HardwareConfig.SimulatedReader reader : hardware.simulated().devices()) {
        attached.add(attach(simulatedDevice(reader)));
      }
    }
    if (hardware.usb().enabled()) {
      openUsb();
    }
    return Future.all(attached);
  }

  @Override
  public Future<?> stop() {
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    if (!platform.cluster().clustered()) {
      silent = true;
      log.mute();
    }
    List<Future<?>> detached = new ArrayList<>();
    for (Device d : new ArrayList<>(devices.values())) {
      detached.add(detach(d, "Service stopping"));
    }
    if (usb != null) {
      usb.close();
    }
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
    return usbProblem;
  }

  /** True when the USB bus opened and is polled. */
  public boolean usbAvailable() {
    return usb != null && usbProblem == null;
  }

  // ---- devices ----

  private Device simulatedDevice(HardwareConfig.SimulatedReader reader) {
    return new Device(reader.id(), reader.serialNumber(), reader.model(), reader.firmwareVersion(),
        new SimulatedReaderDriver(vertx, reader, hardware.simulated().seed()), reader);
  }

  private Future<Void> attach(Device device) {
    devices.put(device.id, device);
    return deviceDirectory.putIfAbsent(device.id, new JsonObject().put("device", device.toJson(device.status)))
        .compose(free -> {
          if (free) {
            return Future.succeededFuture(true);
          }
          // An entry of ours can be left over from a detach whose removal has not landed yet.
          return deviceDirectory.nodeOf(device.id).compose(node -> platform.nodeId().equals(node)
              ? deviceDirectory.put(device.id, new JsonObject().put("device", device.toJson(device.status))).map(true)
              : Future.succeededFuture(false));
        })
        .map(registered -> {
          if (!registered) {
            devices.remove(device.id);
            device.driver.close();
            log.warn("Device id already attached on another node; ignored here", new JsonObject().put("deviceId", device.id));
            return null;
          }
          publish(FingerprintProtocol.deviceConnected(device.toJson("connected")), device.id, null, null);
          log.info("Device connected", new JsonObject().put("deviceId", device.id)
              .put("serialNumber", device.serialNumber).put("model", device.model)
              .put("driver", device.simulated != null ? "simulated" : hardware.usb().captureDriver().name().toLowerCase()));
          return null;
        });
  }

  private Future<Void> detach(Device device, String reason) {
    if (devices.remove(device.id) == null) {
      return Future.succeededFuture();
    }
    if (device.active != null) {
      ScanSession s = device.active;
      finish(device, s, ScanSession.Status.ERROR, ErrorCode.DEVICE_NOT_FOUND, "Device disconnected",
          FingerprintProtocol.scanError(s.scanId, device.id, ErrorCode.DEVICE_NOT_FOUND, "Device disconnected", false), null);
    }
    device.driver.close();
    publish(FingerprintProtocol.deviceDisconnected(device.id, reason), device.id, null, null);
    log.info("Device disconnected", new JsonObject().put("deviceId", device.id).put("reason", reason));
    return deviceDirectory.removeOwn(device.id).mapEmpty();
  }

  private void setStatus(Device device, String status) {
    if (device.status.equals(status) || !devices.containsKey(device.id)) {
      return;
    }
    String previous = device.status;
    device.status = status;
    publish(FingerprintProtocol.deviceStatus(device.id, status, previous), device.id, null, null);
    deviceDirectory.put(device.id, new JsonObject().put("device", device.toJson(status)))
        .onFailure(err -> LOG.warn("could not record the status of {}: {}", device.id, err.toString()));
  }

  // ---- USB ----

  private void openUsb() {
    UsbBus bus = usbFactory.get();
    try {
      bus.open();
    } catch (UsbBus.UsbUnavailableException e) {
      usbProblem = e.getMessage();
      // Said once: containers and CI machines have no USB bus, and the simulated readers carry on.
      log.warn("USB is unavailable on this node; only simulated readers are attached",
          new JsonObject().put("reason", e.getMessage()));
      return;
    }
    usb = bus;
    log.info("USB bus open; polling for fingerprint readers", new JsonObject()
        .put("pollIntervalMs", hardware.usb().pollInterval().toMillis()).put("models", hardware.usb().readers().size()));
    pollUsb();
    pollTimer = vertx.setPeriodic(hardware.usb().pollInterval().toMillis(), id -> pollUsb());
  }

  private void pollUsb() {
    List<UsbBus.UsbReader> present;
    try {
      present = usb.readers(hardware.usb().readers());
    } catch (RuntimeException e) {
      if (usbProblem == null) {
        usbProblem = e.getMessage();
        log.warn("Listing the USB bus failed; will keep trying", new JsonObject().put("reason", String.valueOf(e.getMessage())));
      }
      return;
    }
    if (usbProblem != null) {
      log.info("Listing the USB bus works again", null);
      usbProblem = null;
    }
    Set<String> seen = new HashSet<>();
    for (UsbBus.UsbReader r : present) {
      seen.add(r.id());
      if (!devices.containsKey(r.id())) {
        ReaderDriver driver = hardware.usb().captureDriver() == HardwareConfig.CaptureDriver.NONE
            ? new NoCaptureDriver(context)
            : new SimulatedReaderDriver(vertx, usbCaptureProfile(r.id()), hardware.simulated().seed());
        attach(new Device(r.id(), r.serialNumber(), r.model(), r.firmwareVersion(), driver, null));
      }
    }
    for (Device d : new ArrayList<>(devices.values())) {
      if (d.simulated == null && !seen.contains(d.id)) {
        detach(d, "Device unplugged");
      }
    }
  }

  /** The simulated capture behaviour used on a real reader whose capture protocol is not built in. */
  private static HardwareConfig.SimulatedReader usbCaptureProfile(String id) {
    return new HardwareConfig.SimulatedReader(id, id, id, "", 60, 98, Duration.ofMillis(1500),
        Duration.ofMillis(800), HardwareConfig.Failure.NONE, Duration.ofSeconds(3));
  }

  // ---- commands ----

  private void onCommand(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String command = body == null ? null : body.getString(DeviceCommands.COMMAND);
    try {
      switch (command == null ? "" : command) {
        case DeviceCommands.SCAN_START -> startScan(msg, body);
        case DeviceCommands.SCAN_STOP -> stopScan(msg, body);
        case DeviceCommands.SCAN_GET -> getScan(msg, body);
        default -> msg.fail(ErrorCode.INVALID_MESSAGE.code(), "unknown command");
      }
    } catch (RuntimeException e) {
      LOG.error("command {} failed", command, e);
      msg.fail(ErrorCode.INTERNAL.code(), ErrorCode.INTERNAL.message());
    }
  }

  private void startScan(Message<JsonObject> msg, JsonObject body) {
    Device device = devices.get(body.getString("deviceId"));
    if (device == null) {
      msg.fail(ErrorCode.DEVICE_NOT_FOUND.code(), ErrorCode.DEVICE_NOT_FOUND.message());
      return;
    }
    if (device.active != null) {
      msg.fail(ErrorCode.DEVICE_BUSY.code(), ErrorCode.DEVICE_BUSY.message());
      return;
    }
    String scanId = "scan-" + UUID.randomUUID().toString().replace("-", "");
    ScanSession s = new ScanSession(scanId, device.id, body.getString("principal"), body.getString("connection"),
        body.getLong("timeout"), body.getInteger("qualityThreshold"), body.getInteger("scansRequired"));
    device.active = s;
    scans.put(scanId, s);
    evictFinished();
    long ttl = s.timeoutMs + config.scan().retention().toMillis();
    scanDirectory.putIfAbsent(scanId, new JsonObject().put("deviceId", device.id), ttl)
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("could not record scan {}: {}", scanId, ar.cause().toString());
          }
          // Answered once the scan can be found from any node, and before any of its events.
          msg.reply(new JsonObject().put("scanId", scanId).put("deviceId", device.id));
          if (device.active != s) {
            return;
          }
          setStatus(device, "busy");
          log.info("Scan started", new JsonObject().put("scanId", scanId).put("deviceId", device.id)
              .put("scansRequired", s.scansRequired).put("by", s.principal));
          s.timeoutTimer = vertx.setTimer(s.timeoutMs, id -> {
            if (device.active == s) {
              finish(device, s, ScanSession.Status.TIMEOUT, null, "Scan timeout", FingerprintProtocol.scanTimeout(scanId, device.id), null);
            }
          });
          s.capture = device.driver.capture(listener(device, s));
        });
  }

  private ReaderDriver.CaptureListener listener(Device device, ScanSession s) {
    return new ReaderDriver.CaptureListener() {
      @Override
      public void fingerDetected(int quality) {
        if (device.active == s) {
          publish(FingerprintProtocol.fingerprintDetected(device.id, s.scanId, quality), device.id, s.owner, null);
        }
      }

      @Override
      public void captured(int quality, byte[] template) {
        if (device.active != s) {
          return;
        }
        if (quality < s.qualityThreshold) {
          finish(device, s, ScanSession.Status.ERROR, ErrorCode.LOW_QUALITY, ErrorCode.LOW_QUALITY.message(),
              FingerprintProtocol.scanError(s.scanId, device.id, ErrorCode.LOW_QUALITY, ErrorCode.LOW_QUALITY.message(), true), null);
          return;
        }
        s.accept(quality, template);
        if (s.scansCompleted < s.scansRequired) {
          publish(FingerprintProtocol.scanProgress(s.scanId, device.id, s.scansCompleted, s.scansRequired), device.id, s.owner, null);
          s.capture = device.driver.capture(this);
          return;
        }
        s.quality = Math.round((float) s.qualitySum / s.scansCompleted);
        s.scanTimeMs = (System.nanoTime() - s.startedNanos) / 1_000_000;
        finish(device, s, ScanSession.Status.COMPLETE, null, null,
            FingerprintProtocol.scanComplete(s.scanId, device.id, s.template(), s.quality, s.scanTimeMs), null);
      }

      @Override
      public void failed(String reason) {
        if (device.active == s) {
          finish(device, s, ScanSession.Status.ERROR, ErrorCode.INTERNAL, reason,
              FingerprintProtocol.scanError(s.scanId, device.id, ErrorCode.INTERNAL, reason, true), null);
        }
      }

      @Override
      public void disconnected() {
        if (device.active != s) {
          return;
        }
        detach(device, "Device unplugged");
        if (device.simulated != null) {
          vertx.setTimer(device.simulated.replugAfter().toMillis(), id -> attach(simulatedDevice(device.simulated)));
        }
      }
    };
  }

  /** Ends a scan: cancels its capture and timer, frees the device and publishes the closing event. */
  private void finish(Device device, ScanSession s, ScanSession.Status status, ErrorCode code, String error,
                      JsonObject frame, String exclude) {
    if (s.capture != null) {
      s.capture.cancel();
    }
    if (s.timeoutTimer >= 0) {
      vertx.cancelTimer(s.timeoutTimer);
    }
    s.status = status;
    s.errorCode = code;
    s.error = error;
    s.endedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    device.active = null;
    publish(frame, device.id, s.owner, exclude);
    // A reader failure leaves the device in "error" until its next scan starts.
    setStatus(device, code == ErrorCode.INTERNAL ? "error" : "idle");
    JsonObject meta = new JsonObject().put("scanId", s.scanId).put("deviceId", device.id).put("status", status.wire());
    if (code != null) {
      meta.put("code", code.code());
    }
    log.info("Scan ended", meta);
  }

  private void stopScan(Message<JsonObject> msg, JsonObject body) {
    ScanSession s = scans.get(body.getString("scanId"));
    if (s == null || !s.active()) {
      msg.fail(ErrorCode.SCAN_NOT_FOUND.code(), ErrorCode.SCAN_NOT_FOUND.message());
      return;
    }
    if (!mayTouch(s, body)) {
      msg.fail(ErrorCode.PERMISSION_DENIED.code(), ErrorCode.PERMISSION_DENIED.message());
      return;
    }
    Device device = devices.get(s.deviceId);
    if (device != null && device.active == s) {
      finish(device, s, ScanSession.Status.STOPPED, null, null, FingerprintProtocol.scanStopped(s.scanId), body.getString("connection"));
    }
    msg.reply(new JsonObject().put("scanId", s.scanId).put("deviceId", s.deviceId));
  }

  private void getScan(Message<JsonObject> msg, JsonObject body) {
    ScanSession s = scans.get(body.getString("scanId"));
    if (s == null) {
      msg.fail(ErrorCode.SCAN_NOT_FOUND.code(), ErrorCode.SCAN_NOT_FOUND.message());
    } else if (!mayTouch(s, body)) {
      msg.fail(ErrorCode.PERMISSION_DENIED.code(), ErrorCode.PERMISSION_DENIED.message());
    } else {
      msg.reply(s.toJson());
    }
  }

  private static boolean mayTouch(ScanSession s, JsonObject body) {
    return body.getBoolean("admin", false) || Objects.equals(s.principal, body.getString("principal"));
  }

  private void evictFinished() {
    long cutoff = System.currentTimeMillis() - config.scan().retention().toMillis();
    int finished = 0;
    for (ScanSession s : scans.values()) {
      if (!s.active()) {
        finished++;
      }
    }
    Iterator<ScanSession> it = scans.values().iterator();
    while (it.hasNext()) {
      ScanSession s = it.next();
      if (!s.active() && (finished > config.scan().maxRetained() || s.endedAt.toEpochMilli() < cutoff)) {
        it.remove();
        finished--;
      }
    }
  }

  /** Publishes a seed frame; the headers say whom it concerns, so the frame stays exactly the seed's. */
  private void publish(JsonObject frame, String deviceId, String owner, String exclude) {
    if (silent) {
      return;
    }
    DeliveryOptions options = new DeliveryOptions().addHeader(DEVICE_HEADER, deviceId);
    if (owner != null) {
      options.addHeader(OWNER_HEADER, owner);
    }
    if (exclude != null) {
      options.addHeader(EXCLUDE_HEADER, exclude);
    }
    vertx.eventBus().publish(Addresses.FINGERPRINT_DEVICE_EVENTS, frame, options);
  }
}
