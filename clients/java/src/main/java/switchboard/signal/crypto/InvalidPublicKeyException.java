package switchboard.signal.crypto;

/** A peer public key that is missing, malformed, on another curve or not a valid P-256 point. */
public final class InvalidPublicKeyException extends Exception {

  public InvalidPublicKeyException(String message) {
    super(message, null, false, false);
  }
}
