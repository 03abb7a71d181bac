package switchboard.signal.impl;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Seals what Signal stores in Hazelcast's room history: AES-256-GCM under a key the nodes share and
 * Hazelcast never sees, with the room name as associated data. Hazelcast members cannot be authenticated,
 * so a member that joins without being a Switchboard node must neither read room messages from the
 * history nor put one there that a node would deliver: an entry that does not open is treated as lost.
 */
public final class HistorySeal {

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();
  /** One cipher per thread: appends run on the event loop, reads on workers; getInstance per message is slow. */
  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(HistorySeal::newCipher);

  /** @param key 32 bytes */
  public HistorySeal(byte[] key) {
    if (Objects.requireNonNull(key, "key").length != 32) {
      throw new IllegalArgumentException("the history key must be 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  /** {@code base64(iv || ciphertext || tag)} of the frame's text. */
  public String seal(String room, String frame) {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try {
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(room.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(frame.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[IV_BYTES + sealed.length];
      System.arraycopy(iv, 0, out, 0, IV_BYTES);
      System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  /** The frame's text, or null when the entry was not sealed with this key for this room. */
  public String open(String room, String stored) {
    try {
      byte[] in = Base64.getDecoder().decode(stored);
      if (in.length < IV_BYTES + TAG_BITS / 8) {
        return null;
      }
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
      cipher.updateAAD(room.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return null;
    }
  }
}
