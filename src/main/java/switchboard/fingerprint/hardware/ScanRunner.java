package switchboard.fingerprint.hardware;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.bus.ClusterView;
import switchboard.bus.SessionDirectory;
import switchboard.fingerprint.FingerprintConfig;
import switchboard.fingerprint.FingerprintProtocol;
import switchboard.fingerprint.FingerprintProtocol.ErrorCode;
import switchboard.fingerprint.impl.DeviceCommands;
import switchboard.fingerprint.impl.LogStream;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.UUID;

/**
 * Runs scans on this node's readers: answers the device commands ({@link DeviceCommands}) sent to this
 * node, drives each scan on its reader's {@link ReaderDriver} (impressions, quality threshold, enrollment,
 * timeout), publishes its events, and keeps finished scans a while for GET /api/scans/{id}. Scans are
 * entered in the cluster-wide scan directory so any node can route a stop or a read here.
 */
final class ScanRunner {

  private static final Logger LOG = LoggerFactory.getLogger(ScanRunner.class);

  private final Vertx vertx;
  private final FingerprintConfig.ScanConfig scan;
  private final DeviceRegistry registry;
  private final DeviceEvents events;
  private final LogStream log;
  private final SessionDirectory directory;
  private final LinkedHashMap<String, ScanSession> scans = new LinkedHashMap<>();

  ScanRunner(Vertx vertx, ClusterView cluster, FingerprintConfig.ScanConfig scan, DeviceRegistry registry,
             DeviceEvents events, LogStream log) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.scan = Objects.requireNonNull(scan, "scan");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.events = Objects.requireNonNull(events, "events");
    this.log = Objects.requireNonNull(log, "log");
    this.directory = new SessionDirectory(vertx, cluster, Addresses.FINGERPRINT_SCANS_MAP);
    registry.beforeDetach(this::abortOnDetach);
  }

  /** A device going away ends its running scan with 1001. */
  private void abortOnDetach(Device device) {
    if (device.active != null) {
      ScanSession s = device.active;
      finish(device, s, ScanSession.Status.ERROR, ErrorCode.DEVICE_NOT_FOUND, "Device disconnected",
          FingerprintProtocol.scanError(s.scanId, device.id, ErrorCode.DEVICE_NOT_FOUND, "Device disconnected", false), null);
    }
  }

  void onCommand(Message<JsonObject> msg) {
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
    Device device = registry.get(body.getString("deviceId"));
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
        body.getString("node"), body.getLong("timeout"), body.getInteger("qualityThreshold"), body.getInteger("scansRequired"));
    device.active = s;
    scans.put(scanId, s);
    evictFinished();
    long ttl = s.timeoutMs + scan.retention().toMillis();
    directory.putIfAbsent(scanId, new JsonObject().put("deviceId", device.id), ttl)
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("could not record scan {}: {}", scanId, ar.cause().toString());
          }
          // Answered once the scan can be found from any node, and before any of its events.
          msg.reply(new JsonObject().put("scanId", scanId).put("deviceId", device.id));
          if (device.active != s) {
            return;
          }
          registry.setStatus(device, "busy");
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
          events.publish(FingerprintProtocol.fingerprintDetected(device.id, s.scanId, quality), device.id, s.owner, null);
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
          events.publish(FingerprintProtocol.scanProgress(s.scanId, device.id, s.scansCompleted, s.scansRequired), device.id, s.owner, null);
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
        registry.detach(device, "Device unplugged");
        if (device.simulated != null) {
          vertx.setTimer(device.simulated.replugAfter().toMillis(),
              id -> registry.attach(registry.simulated(device.simulated)));
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
    if (status == ScanSession.Status.COMPLETE) {
      events.publishComplete(frame, device.id, s.owner, s.ownerNode);
    } else {
      events.publish(frame, device.id, s.owner, exclude);
    }
    // A reader failure leaves the device in "error" until its next scan starts.
    registry.setStatus(device, code == ErrorCode.INTERNAL ? "error" : "idle");
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
    Device device = registry.get(s.deviceId);
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
      msg.reply(s.toJson(Objects.equals(s.principal, body.getString("principal"))));
    }
  }

  private static boolean mayTouch(ScanSession s, JsonObject body) {
    return body.getBoolean("admin", false) || Objects.equals(s.principal, body.getString("principal"));
  }

  private void evictFinished() {
    long cutoff = System.currentTimeMillis() - scan.retention().toMillis();
    int finished = 0;
    for (ScanSession s : scans.values()) {
      if (!s.active()) {
        finished++;
      }
    }
    Iterator<ScanSession> it = scans.values().iterator();
    while (it.hasNext()) {
      ScanSession s = it.next();
      if (!s.active() && (finished > scan.maxRetained() || s.endedAt.toEpochMilli() < cutoff)) {
        it.remove();
        finished--;
      }
    }
  }
}
