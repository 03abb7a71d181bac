package switchboard.securecall.impl;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A PKD challenge given to one connection that asked to replace its stored key: the nonce it must sign with
 * the stored key, the key it asked to store (the proof covers only that one), and when the nonce expires.
 */
public record KeyChallenge(String nonce, String publicKey, long expiresAtMillis) {

  /** The nonce's fixed prefix, so a signature made for this directory cannot be mistaken for another message. */
  public static final String PREFIX = "securecall-pkd-challenge:";
  public static final long LIFETIME_MILLIS = 60_000;

  static KeyChallenge issue(SecureRandom random, String publicKey, long nowMillis) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return new KeyChallenge(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), publicKey,
        nowMillis + LIFETIME_MILLIS);
  }

  boolean expired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }
}
