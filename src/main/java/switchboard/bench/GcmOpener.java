package switchboard.bench;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Opens Signal's {@code {"event":"encrypted","data":{"iv","ct"}}} frames on the client event loops: one
 * JDK {@link Cipher} per thread, re-initialised per message with the session's key (a Cipher per
 * connection would cost memory at 20k connections; {@code getInstance} per message costs CPU).
 */
public final class GcmOpener {

  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is not available", e);
    }
  });

  /** The UTF-8 plaintext of an encrypted frame; fails on a frame without iv/ct or a wrong tag. */
  public String open(SecretKeySpec key, String frame) throws GeneralSecurityException {
    String iv = JsonText.stringField(frame, "iv");
    String ct = JsonText.stringField(frame, "ct");
    if (iv == null || ct == null) {
      throw new GeneralSecurityException("encrypted frame without iv/ct");
    }
    Cipher cipher = ciphers.get();
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, Base64.getDecoder().decode(iv)));
    return new String(cipher.doFinal(Base64.getDecoder().decode(ct)), StandardCharsets.UTF_8);
  }
}
