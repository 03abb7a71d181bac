package switchboard.signal.crypto;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Verifies key parsing limits, fresh keys and IVs, and a full round trip between two parties. */
class HandshakeCryptoTest {

  private final HandshakeCrypto crypto = new HandshakeCrypto();

  /** Verifies that malformed, off-curve, compressed, infinity and non-P-256 keys are refused. */
  @Test
  void refusesInvalidKeys() {
    byte[] good = crypto.generateKeyPair().publicKeyRaw();
    byte[] offCurve = good.clone();
    offCurve[64] ^= 1;
    byte[] zeros = new byte[65];
    zeros[0] = 4;
    byte[] compressed = Arrays.copyOf(good, 33);
    compressed[0] = 2;
    // an SPKI of a secp256k1 key (id-ecPublicKey, curve 1.3.132.0.10)
    String k1Spki = "MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEeb5mfvncu6xVoGKVzocLBwKb/NstzijZWfKBWxb4F5hIOtp3JqPEZV2k+/wOEQio/Re0SKaFVBmcR9CP+xDUuA==";
    for (String bad : new String[] {null, "", "not base64!", b64(offCurve), b64(zeros), b64(compressed),
        b64(Arrays.copyOf(good, 64)), k1Spki, b64("hello".getBytes(StandardCharsets.UTF_8))}) {
      assertThatThrownBy(() -> HandshakeCrypto.parsePublicKey(bad)).as(String.valueOf(bad))
          .isInstanceOf(InvalidPublicKeyException.class);
    }
  }

  /** Verifies that two parties derive the same key and that every message gets its own IV. */
  @Test
  void roundTripsWithFreshIvs() throws Exception {
    EcdhKeyPair a = crypto.generateKeyPair();
    EcdhKeyPair b = crypto.generateKeyPair();
    byte[] salt = crypto.newSalt();
    SessionCipher ca = crypto.session(a, HandshakeCrypto.parsePublicKey(b.publicKeyBase64()), salt, "info");
    SessionCipher cb = crypto.session(b, HandshakeCrypto.parsePublicKey(a.publicKeyBase64()), salt, "info");
    Set<String> ivs = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      SessionCipher.Sealed sealed = ca.encrypt(("m" + i).getBytes(StandardCharsets.UTF_8));
      assertThat(sealed.iv()).hasSize(12);
      ivs.add(b64(sealed.iv()));
      assertThat(new String(cb.decrypt(sealed.iv(), sealed.ciphertext()), StandardCharsets.UTF_8)).isEqualTo("m" + i);
    }
    assertThat(ivs).hasSize(100);
    assertThat(a.publicKeyBase64()).isNotEqualTo(b.publicKeyBase64());
    // a different info string gives a different key: the "ECDH info mismatch" failure mode
    SessionCipher mismatched = crypto.session(b, HandshakeCrypto.parsePublicKey(a.publicKeyBase64()), salt, "other");
    SessionCipher.Sealed sealed = ca.encrypt(new byte[] {1});
    assertThatThrownBy(() -> mismatched.decrypt(sealed.iv(), sealed.ciphertext())).isInstanceOf(DecryptionException.class);
  }

  /**
   * Verifies that a session's IVs count up from its random start as one 96-bit number, the carry reaching
   * the first four bytes, and that the frame built as bytes is the JSON frame a peer opens.
   */
  @Test
  void ivsCountUpFromTheRandomStart() throws Exception {
    SecureRandom allOnes = new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        Arrays.fill(bytes, (byte) 0xff);
      }
    };
    byte[] key = crypto.newSalt();
    SessionCipher sender = new SessionCipher(key, allOnes);
    SessionCipher receiver = new SessionCipher(key, new SecureRandom());
    byte[] ones = new byte[12];
    Arrays.fill(ones, (byte) 0xff);
    byte[] one = new byte[12];
    one[11] = 1;
    assertThat(sender.encrypt(new byte[] {1}).iv()).isEqualTo(ones);
    assertThat(sender.encrypt(new byte[] {2}).iv()).isEqualTo(new byte[12]);
    JsonObject frame = new JsonObject(new String(sender.sealFrame("{\"event\":\"x\"}".getBytes(StandardCharsets.UTF_8)),
        StandardCharsets.UTF_8));
    assertThat(frame.getString("event")).isEqualTo("encrypted");
    assertThat(frame.getJsonObject("data").getString("iv")).isEqualTo(b64(one));
    assertThat(receiver.open(frame.getJsonObject("data"))).isEqualTo("{\"event\":\"x\"}");
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
