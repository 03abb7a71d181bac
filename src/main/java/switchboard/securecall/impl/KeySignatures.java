package switchboard.securecall.impl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Checks a PKD proof: an ECDSA P-256 / SHA-256 signature, made with the key stored for a client, over the
 * UTF-8 bytes of a challenge nonce. The stored key must be what WebCrypto's {@code exportKey("spki", ...)}
 * gives, base64 (standard or URL alphabet); the signature may be WebCrypto's raw r‖s (64 bytes) or DER.
 * A stored key of any other kind cannot be proven this way (only a token then replaces it).
 */
final class KeySignatures {

  private static final int P256_BITS = 256;
  private static final int RAW_P256_SIGNATURE_BYTES = 64;

  private KeySignatures() {
  }

  /** True only when {@code signature} verifies; anything unreadable is simply not a proof. */
  static boolean verifies(String storedKey, String nonce, String signature) {
    try {
      PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(decode(storedKey)));
      if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != P256_BITS) {
        return false;
      }
      byte[] sig = decode(signature);
      Signature verifier = Signature.getInstance(sig.length == RAW_P256_SIGNATURE_BYTES
          ? "SHA256withECDSAinP1363Format" : "SHA256withECDSA");
      verifier.initVerify(key);
      verifier.update(nonce.getBytes(StandardCharsets.UTF_8));
      return verifier.verify(sig);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] decode(String base64) {
    String trimmed = base64.strip();
    return trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0
        ? Base64.getUrlDecoder().decode(trimmed) : Base64.getDecoder().decode(trimmed);
  }
}
