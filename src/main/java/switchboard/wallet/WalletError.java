package switchboard.wallet;

/** The {@code errorCode} values of the gateway's ERROR messages (DESIGN.md, Wallet gateway). */
public enum WalletError {
  /** The frame is not a well-formed envelope, or its payload does not fit the message type. */
  INVALID_MESSAGE,
  /** The digest does not match the content, the signature is malformed or high-s, or another key signed it. */
  INVALID_SIGNATURE,
  /** The deadline is not later than the server's clock. */
  EXPIRED_DEADLINE,
  /** The deadline lies beyond the configured horizon. */
  DEADLINE_TOO_FAR,
  /** This exact signed message was already accepted (anywhere in the cluster) and has not expired yet. */
  REPLAYED,
  /** The connection is bound to another address. */
  ADDRESS_MISMATCH,
  /** The signed type is not an operation of the gateway. */
  UNKNOWN_TYPE,
  /** No ledger answered in time, or it answered something unusable. */
  LEDGER_UNAVAILABLE
}
