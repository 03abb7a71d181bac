package switchboard.fingerprint.hardware;

import io.vertx.core.json.JsonObject;
import switchboard.fingerprint.FingerprintProtocol.ErrorCode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * One scan on one device, from scan:start to its end (complete, error, timeout, stopped), kept a while
 * after for GET /api/scans/{id}. Confined to the hardware verticle's context.
 */
final class ScanSession {

  enum Status {
    SCANNING, COMPLETE, ERROR, TIMEOUT, STOPPED;

    String wire() {
      return name().toLowerCase();
    }
  }

  final String scanId;
  final String deviceId;
  /** Who may stop or read the scan besides admins: an API key id or "admin:&lt;sub&gt;". */
  final String principal;
  /** The connection that started it (gets its events without subscribing), or null for REST. */
  final String owner;
  /** The node of {@link #owner}, where the template is delivered by request, or null for REST. */
  final String ownerNode;
  final long timeoutMs;
  final int qualityThreshold;
  final int scansRequired;
  final Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  final long startedNanos = System.nanoTime();

  Status status = Status.SCANNING;
  int scansCompleted;
  int qualitySum;
  int bestQuality = -1;
  byte[] bestTemplate;
  Instant endedAt;
  ErrorCode errorCode;
  String error;
  int quality;
  long scanTimeMs;
  ReaderDriver.Capture capture;
  long timeoutTimer = -1;

  ScanSession(String scanId, String deviceId, String principal, String owner, String ownerNode, long timeoutMs,
              int qualityThreshold, int scansRequired) {
    this.scanId = scanId;
    this.deviceId = deviceId;
    this.principal = principal;
    this.owner = owner;
    this.ownerNode = ownerNode;
    this.timeoutMs = timeoutMs;
    this.qualityThreshold = qualityThreshold;
    this.scansRequired = scansRequired;
  }

  boolean active() {
    return status == Status.SCANNING;
  }

  /** Records one accepted impression; the best one becomes the template. */
  void accept(int impressionQuality, byte[] template) {
    scansCompleted++;
    qualitySum += impressionQuality;
    if (impressionQuality > bestQuality) {
      bestQuality = impressionQuality;
      bestTemplate = template;
    }
  }

  String template() {
    return Base64.getEncoder().encodeToString(bestTemplate);
  }

  /** The scan as REST shows it; the template only to the principal that started it. */
  JsonObject toJson(boolean withTemplate) {
    JsonObject json = new JsonObject()
        .put("scanId", scanId)
        .put("deviceId", deviceId)
        .put("status", status.wire())
        .put("scansCompleted", scansCompleted)
        .put("scansRequired", scansRequired)
        .put("options", new JsonObject().put("timeout", timeoutMs).put("qualityThreshold", qualityThreshold))
        .put("startedAt", startedAt.toString());
    if (endedAt != null) {
      json.put("endedAt", endedAt.toString());
    }
    if (status == Status.COMPLETE) {
      if (withTemplate) {
        json.put("template", template());
      }
      json.put("quality", quality).put("scanTime", scanTimeMs);
    }
    if (errorCode != null) {
      json.put("error", error).put("code", errorCode.code());
    }
    return json;
  }
}
