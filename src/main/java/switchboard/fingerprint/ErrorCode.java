package switchboard.fingerprint;

/**
 * The numeric codes of the Fingerprint contract (seed 004), shared by WebSocket frames, REST errors and
 * event-bus command failures. 4000 and 4029 fill gaps the seed leaves (bad input, flooding).
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
