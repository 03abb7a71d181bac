package switchboard.securecall;

/** The {@code code} of an ERROR frame: exactly the contract's list. */
public enum ErrorCode {
  INVALID_MESSAGE,
  PAYLOAD_TOO_LARGE,
  NOT_REGISTERED,
  INVALID_CLIENT_ID,
  CLIENT_ID_TAKEN,
  TARGET_OFFLINE,
  CALL_NOT_FOUND,
  NOT_A_PARTICIPANT,
  KEY_NOT_FOUND,
  RATE_LIMITED,
  INTERNAL_ERROR
}
