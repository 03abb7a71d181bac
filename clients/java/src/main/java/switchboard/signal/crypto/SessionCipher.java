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
 * AES-256-GCM of one connection, as WebCrypto does it: 12-byte IV per message, 128-bit tag appended to the
 * ciphertext, no additional data. One JDK {@link Cipher} is created per session and only re-initialised per
 * message: with the same key object the JDK keeps the expanded key schedule, and {@code Cipher.getInstance}
 * costs several times the encryption of a small message.
 *
 * <p>IVs are a 96-bit counter that starts at a random value drawn once per session: unique for the key
 * for 2^96 messages, and as unlikely to meet the peer's IVs under the same key as random ones are. Drawing a
 * random IV per message would cost a synchronised call to a shared random source on every delivery.
 *
 * <p>Synchronised so a client may send from any thread; on the server each session is confined to one event
 * loop and the lock is never contended.
 */
public final class SessionCipher {

  public static final int IV_BYTES = 12;
  public static final int TAG_BITS = 128;
  private static final int TAG_BYTES = TAG_BITS / 8;
  private static final byte[] FRAME_HEAD = "{\"event\":\"encrypted\",\"data\":{\"iv\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FRAME_MIDDLE = "\",\"ct\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FRAME_TAIL = "\"}}".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec key;
  private final Cipher cipher;
  /** The next IV: its first 4 bytes, then its last 8 (big-endian). */
  private int ivHigh;
  private long ivLow;

  /** @param random draws the first IV */
  public SessionCipher(byte[] aesKey, SecureRandom random) {
    if (aesKey.length != HandshakeCrypto.AES_KEY_BYTES) {
      throw new IllegalArgumentException("AES-256 key must be 32 bytes");
    }
    this.key = new SecretKeySpec(aesKey, "AES");
    byte[] first = new byte[IV_BYTES];
    Objects.requireNonNull(random, "random").nextBytes(first);
    this.ivHigh = (int) bigEndian(first, 0, 4);
    this.ivLow = bigEndian(first, 4, 8);
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is not available", e);
    }
  }

  /** Encrypts under the session's next IV; answers IV and ciphertext‖tag. */
  public synchronized Sealed encrypt(byte[] plaintext) {
    return encrypt(plaintext, nextIv());
  }

  private byte[] nextIv() {
    byte[] iv = new byte[IV_BYTES];
    int high = ivHigh;
    long low = ivLow;
    for (int i = 3; i >= 0; i--) {
      iv[i] = (byte) high;
      high >>>= 8;
    }
    for (int i = 11; i >= 4; i--) {
      iv[i] = (byte) low;
      low >>>= 8;
    }
    if (++ivLow == 0) {
      ivHigh++;
    }
    return iv;
  }

  private static long bigEndian(byte[] bytes, int from, int count) {
    long value = 0;
    for (int i = from; i < from + count; i++) {
      value = value << 8 | (bytes[i] & 0xff);
    }
    return value;
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
    if (ciphertext.length < TAG_BYTES) {
      throw new DecryptionException("ct is shorter than the authentication tag");
    }
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      return cipher.doFinal(ciphertext);
    } catch (GeneralSecurityException e) {
      throw new DecryptionException("decryption failed: wrong key or tampered ciphertext");
    }
  }

  /**
   * The wire frame {@code {"event":"encrypted","data":{"iv","ct"}}} carrying {@code plaintext} (UTF-8 JSON),
   * as UTF-8 bytes ready for a text frame: built as bytes, never as a string.
   */
  public byte[] sealFrame(byte[] plaintext) {
    return encrypt(plaintext).wireFrameBytes();
  }

  /** Like {@link #sealFrame}, as a string. */
  public String seal(byte[] plaintext) {
    return new String(sealFrame(plaintext), StandardCharsets.US_ASCII);
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
      return new String(wireFrameBytes(), StandardCharsets.US_ASCII);
    }

    /** {@link #wireFrame()} as its (ASCII, hence UTF-8) bytes. */
    public byte[] wireFrameBytes() {
      Base64.Encoder b64 = Base64.getEncoder();
      byte[] ivText = b64.encode(iv);
      byte[] ctText = b64.encode(ciphertext);
      byte[] frame = new byte[FRAME_HEAD.length + ivText.length + FRAME_MIDDLE.length + ctText.length
          + FRAME_TAIL.length];
      int at = put(frame, 0, FRAME_HEAD);
      at = put(frame, at, ivText);
      at = put(frame, at, FRAME_MIDDLE);
      at = put(frame, at, ctText);
      put(frame, at, FRAME_TAIL);
      return frame;
    }

    private static int put(byte[] frame, int at, byte[] part) {
      System.arraycopy(part, 0, frame, at, part.length);
      return at + part.length;
    }
  }
}
