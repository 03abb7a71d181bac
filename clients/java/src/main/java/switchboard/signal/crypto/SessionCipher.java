package switchboard.signal.crypto;

import io.vertx.core.json.JsonObject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * AES-256-GCM of one connection, as WebCrypto does it: 12-byte IV fresh per message, 128-bit tag appended
 * to the ciphertext, no additional data. One JDK {@link Cipher} is created per session and only
 * re-initialised per message ({@code Cipher.getInstance} costs several times the encryption of a small
 * message). Synchronised so a client may send from any thread; on the server each session is confined
 * to one event loop and the lock is never contended.
 */
public final class SessionCipher {

  public static final int IV_BYTES = 12;
  public static final int TAG_BITS = 128;
  private static final String WIRE_PREFIX = "{\"event\":\"encrypted\",\"data\":{\"iv\":\"";

  private final SecretKeySpec key;
  private final SecureRandom random;
  private final Cipher cipher;

  public SessionCipher(byte[] aesKey, SecureRandom random) {
    if (aesKey.length != HandshakeCrypto.AES_KEY_BYTES) {
      throw new IllegalArgumentException("AES-256 key must be 32 bytes");
    }
    this.key = new SecretKeySpec(aesKey, "AES");
    this.random = Objects.requireNonNull(random, "random");
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is not available", e);
    }
  }

  /** Encrypts with a fresh random IV; answers IV and ciphertext‖tag. */
  public Sealed encrypt(byte[] plaintext) {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    return encrypt(plaintext, iv);
  }

  /**
   * Encrypts with the given IV. Only for reproducing recorded vectors: an IV must never be reused with
   * the same key (the JDK refuses the same key and IV twice in a row).
   */
  public synchronized Sealed encrypt(byte[] plaintext, byte[] iv) {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      return new Sealed(iv, cipher.doFinal(plaintext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  public synchronized byte[] decrypt(byte[] iv, byte[] ciphertext) throws DecryptionException {
    if (iv.length != IV_BYTES) {
      throw new DecryptionException("iv must be 12 bytes");
    }
    if (ciphertext.length < TAG_BITS / 8) {
      throw new DecryptionException("ct is shorter than the authentication tag");
    }
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      return cipher.doFinal(ciphertext);
    } catch (GeneralSecurityException e) {
      throw new DecryptionException("decryption failed: wrong key or tampered ciphertext");
    }
  }

  /** The wire frame {@code {"event":"encrypted","data":{"iv","ct"}}} carrying {@code plaintext} (UTF-8 JSON). */
  public String seal(byte[] plaintext) {
    return encrypt(plaintext).wireFrame();
  }

  public String seal(String plaintext) {
    return seal(plaintext.getBytes(StandardCharsets.UTF_8));
  }

  /** Opens the {@code data} member of an encrypted frame; answers the plaintext text. */
  public String open(Object data) throws DecryptionException {
    if (!(data instanceof JsonObject obj) || !(obj.getValue("iv") instanceof String iv)
        || !(obj.getValue("ct") instanceof String ct)) {
      throw new DecryptionException("encrypted data must be {iv, ct} strings");
    }
    byte[] ivBytes;
    byte[] ctBytes;
    try {
      ivBytes = Base64.getDecoder().decode(iv);
      ctBytes = Base64.getDecoder().decode(ct);
    } catch (IllegalArgumentException e) {
      throw new DecryptionException("iv and ct must be base64");
    }
    return new String(decrypt(ivBytes, ctBytes), StandardCharsets.UTF_8);
  }

  /** One sealed message: its IV and ciphertext‖tag. */
  public record Sealed(byte[] iv, byte[] ciphertext) {

    /** {@code JSON.stringify({event:'encrypted', data:{iv, ct}})}: base64 needs no JSON escaping. */
    public String wireFrame() {
      Base64.Encoder b64 = Base64.getEncoder();
      return WIRE_PREFIX + b64.encodeToString(iv) + "\",\"ct\":\"" + b64.encodeToString(ciphertext) + "\"}}";
    }
  }
}
