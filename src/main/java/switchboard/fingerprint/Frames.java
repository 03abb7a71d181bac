package switchboard.fingerprint;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;

/**
 * Builders of the seed's frames, field for field, so every producer (WebSocket, hardware verticle, REST)
 * writes them the same way. Timestamps are ISO-8601 UTC with millisecond precision.
 */
public final class Frames {

  private Frames() {
  }

  public static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  public static JsonObject of(String type) {
    return new JsonObject().put("type", type);
  }

  public static JsonObject authSuccess(Collection<String> permissions) {
    return of("auth:success").put("message", "Authentication successful")
        .put("permissions", new JsonArray(permissions.stream().toList()));
  }

  public static JsonObject authError(String message) {
    return of("auth:error").put("message", message).put("code", ErrorCode.AUTH_FAILED.code());
  }

  /** The general error event: {type:"error", error, code, details?, timestamp}. */
  public static JsonObject error(ErrorCode code, String message, JsonObject details) {
    JsonObject frame = of("error").put("error", message).put("code", code.code());
    if (details != null) {
      frame.put("details", details);
    }
    return frame.put("timestamp", now());
  }

  public static JsonObject subscribeSuccess(String deviceId) {
    return of("subscribe:success").put("deviceId", deviceId).put("message", "Subscribed to device events");
  }

  public static JsonObject subscribeError(String deviceId, ErrorCode code, String message) {
    return of("subscribe:error").put("deviceId", deviceId).put("message", message).put("code", code.code());
  }

  public static JsonObject unsubscribeSuccess(String deviceId) {
    return of("unsubscribe:success").put("deviceId", deviceId).put("message", "Unsubscribed from device events");
  }

  public static JsonObject scanStarted(String scanId, String deviceId) {
    return of("scan:started").put("scanId", scanId).put("deviceId", deviceId).put("timestamp", now());
  }

  public static JsonObject scanStopped(String scanId) {
    return of("scan:stopped").put("scanId", scanId).put("timestamp", now());
  }

  /**
   * A scan:error answering a scan:start or scan:stop. It carries the seed's response fields
   * ({@code message, code, timestamp}) and, so that the seed's own client code works on it, those of the
   * scan:error event too ({@code error, retryable}, and {@code deviceId}/{@code scanId} when known).
   */
  public static JsonObject scanRequestError(String deviceId, String scanId, ErrorCode code, String message) {
    JsonObject frame = of("scan:error");
    if (scanId != null) {
      frame.put("scanId", scanId);
    }
    if (deviceId != null) {
      frame.put("deviceId", deviceId);
    }
    return frame.put("message", message).put("error", message).put("code", code.code())
        .put("retryable", code == ErrorCode.DEVICE_BUSY || code == ErrorCode.LOW_QUALITY)
        .put("timestamp", now());
  }

  /** The scan:error event of a running scan. */
  public static JsonObject scanError(String scanId, String deviceId, ErrorCode code, String error, boolean retryable) {
    return of("scan:error").put("scanId", scanId).put("deviceId", deviceId).put("error", error)
        .put("code", code.code()).put("retryable", retryable).put("timestamp", now());
  }

  public static JsonObject scanTimeout(String scanId, String deviceId) {
    return of("scan:timeout").put("scanId", scanId).put("deviceId", deviceId)
        .put("message", "Scan timeout - no fingerprint detected").put("timestamp", now());
  }

  public static JsonObject scanProgress(String scanId, String deviceId, int completed, int required) {
    return of("scan:progress").put("scanId", scanId).put("deviceId", deviceId).put("scansCompleted", completed)
        .put("scansRequired", required).put("message", "Place finger again").put("timestamp", now());
  }

  public static JsonObject scanComplete(String scanId, String deviceId, String template, int quality, long scanTimeMs) {
    return of("scan:complete").put("scanId", scanId).put("deviceId", deviceId).put("template", template)
        .put("quality", quality).put("scanTime", scanTimeMs).put("timestamp", now());
  }

  public static JsonObject fingerprintDetected(String deviceId, String scanId, int quality) {
    return of("fingerprint:detected").put("deviceId", deviceId).put("scanId", scanId).put("quality", quality)
        .put("timestamp", now());
  }

  public static JsonObject deviceConnected(JsonObject device) {
    return of("device:connected").put("device", device).put("timestamp", now());
  }

  public static JsonObject deviceDisconnected(String deviceId, String reason) {
    return of("device:disconnected").put("deviceId", deviceId).put("reason", reason).put("timestamp", now());
  }

  public static JsonObject deviceStatus(String deviceId, String status, String previous) {
    return of("device:status").put("deviceId", deviceId).put("status", status).put("previousStatus", previous)
        .put("timestamp", now());
  }

  public static JsonObject serviceStatus(String status, long uptimeSeconds, String version) {
    return of("service:status").put("status", status).put("uptime", uptimeSeconds).put("version", version)
        .put("timestamp", now());
  }

  public static JsonObject logEntry(String level, String message, JsonObject metadata) {
    JsonObject frame = of("log:entry").put("level", level).put("message", message);
    if (metadata != null && !metadata.isEmpty()) {
      frame.put("metadata", metadata);
    }
    return frame.put("timestamp", now());
  }

  public static JsonObject pong() {
    return of("pong").put("timestamp", now());
  }

  public static JsonObject ping() {
    return of("ping").put("timestamp", now());
  }
}
