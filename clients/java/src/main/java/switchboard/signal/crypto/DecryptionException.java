package switchboard.signal.crypto;

/** An encrypted frame that could not be opened: bad base64, wrong IV length, tampered or wrong-key ciphertext. */
public final class DecryptionException extends Exception {

  public DecryptionException(String message) {
    super(message, null, false, false);
  }
}
