package switchboard.fingerprint;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.ws.WsCloseCodes;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Set;

/**
 * The Fingerprint wire contract: the WebSocket paths, close codes, error codes, and builders of every frame,
 * field for field, so every producer (WebSocket, hardware verticle, REST) writes them the same way.
 * Timestamps are ISO-8601 UTC with millisecond precision.
 */
public final class FingerprintProtocol {

  /** The WebSocket paths: clients of the contract connect to {@code /}, others to {@code /ws}. */
  public static final Set<String> WS_PATHS = Set.of("/", "/ws");
  /** Close code after auth:error and on the auth deadline. */
  public static final int CLOSE_AUTH_FAILED = 4001;
  /** Close codes: 4001 auth, 4000 idle (no pong), 4009 slow consumer, 1008 abuse. */
  public static final WsCloseCodes CLOSE_CODES =
      new WsCloseCodes(CLOSE_AUTH_FAILED, 4000, 4009, WsCloseCodes.POLICY_VIOLATION);
  /** The frame types that end a scan. */
  public static final Set<String> SCAN_ENDINGS = Set.of("scan:complete", "scan:error", "scan:timeout", "scan:stopped");

  /**
   * The numeric codes of the contract, shared by WebSocket frames, REST errors and event-bus command
   * failures. 4000 and 4029 cover bad input and flooding, which the contract's own list leaves open.
   */
  public enum ErrorCode {
    DEVICE_NOT_FOUND(1001, 404, "Device not found"),
    DEVICE_BUSY(1002, 409, "Device is busy"),
    SCAN_NOT_FOUND(1003, 404, "Scan not found"),
    LOW_QUALITY(2001, 422, "Low quality scan"),
    INVALID_MESSAGE(4000, 400, "Invalid message"),
    AUTH_FAILED(4001, 401, "Authentication failed"),
    PERMISSION_DENIED(4003, 403, "Permission denied"),
    RATE_LIMITED(4029, 429, "Too many messages"),
    INTERNAL(5001, 500, "Internal server error");

    private final int code;
    private final int httpStatus;
    private final String message;

    ErrorCode(int code, int httpStatus, String message) {
      this.code = code;
      this.httpStatus = httpStatus;
      this.message = message;
    }

    public int code() {
      return code;
    }

    public int httpStatus() {
      return httpStatus;
    }

    /** The default sentence for clients. */
    public String message() {
      return message;
    }

    /** The code with this number; {@link #INTERNAL} for any other (a failure from outside the contract). */
    public static ErrorCode of(int code) {
      for (ErrorCode c : values()) {
        if (c.code == code) {
          return c;
        }
      }
      return INTERNAL;
    }
  }

  private FingerprintProtocol() {
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
   * A scan:error refusing a scan:start or scan:stop: exactly the contract's response fields
   * ({@code message, code, timestamp}; a refused stop also names its scanId). Never {@code retryable}:
   * clients that retry on it would restart a refused scan at once, in a loop, until rate-limited.
   */
  public static JsonObject scanRequestError(String scanId, ErrorCode code, String message) {
    JsonObject frame = of("scan:error");
    if (scanId != null) {
      frame.put("scanId", scanId);
    }
    return frame.put("message", message).put("code", code.code()).put("timestamp", now());
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
