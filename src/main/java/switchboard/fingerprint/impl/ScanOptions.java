package switchboard.fingerprint.impl;

import io.vertx.core.json.JsonObject;
import switchboard.fingerprint.FingerprintConfig;
import switchboard.fingerprint.FingerprintProtocol.ErrorCode;

/**
 * The checked options of a scan:start (or POST /api/scans).
 *
 * @param timeoutMs        options.timeout, milliseconds
 * @param qualityThreshold options.qualityThreshold, 0-100
 * @param scansRequired    impressions to capture: 1, or more for enrollment (options.scansRequired, or
 *                         options.mode "enroll" for the configured default; neither: the device's default)
 */
public record ScanOptions(long timeoutMs, int qualityThreshold, int scansRequired) {

  /** Reads {@code options} (absent: all defaults); a bad value is a {@link CommandException} 4000. */
  public static ScanOptions parse(Object raw, String deviceId, FingerprintConfig.ScanConfig limits) {
    if (raw != null && !(raw instanceof JsonObject)) {
      throw invalid("options must be an object");
    }
    JsonObject options = raw == null ? new JsonObject() : (JsonObject) raw;
    long timeout = integral(options, "timeout", limits.defaultTimeout().toMillis(),
        limits.minTimeout().toMillis(), limits.maxTimeout().toMillis());
    int threshold = (int) integral(options, "qualityThreshold", limits.defaultQualityThreshold(), 0, 100);
    Object mode = options.getValue("mode");
    int defaultScans;
    if (mode == null) {
      defaultScans = limits.defaultScansRequired(deviceId);
    } else if ("verify".equals(mode) || "identify".equals(mode)) {
      defaultScans = 1;
    } else if ("enroll".equals(mode)) {
      defaultScans = limits.enrollScans();
    } else {
      throw invalid("options.mode must be \"enroll\", \"verify\" or \"identify\"");
    }
    int scans = (int) integral(options, "scansRequired", defaultScans, 1, limits.maxScansRequired());
    return new ScanOptions(timeout, threshold, scans);
  }

  private static long integral(JsonObject options, String name, long defaultValue, long min, long max) {
    Object value = options.getValue(name);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() < min || n.doubleValue() > max) {
      throw invalid("options." + name + " must be an integer between " + min + " and " + max);
    }
    return n.longValue();
  }

  private static CommandException invalid(String message) {
    return new CommandException(ErrorCode.INVALID_MESSAGE, message);
  }
}
