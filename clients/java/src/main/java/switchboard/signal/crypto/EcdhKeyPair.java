package switchboard.signal.crypto;

import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.util.BigIntegers;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;

/**
 * An ephemeral P-256 key pair on BouncyCastle's lightweight API (several times faster than the JDK's
 * SunEC for key generation and agreement). One per connection and side; never reused.
 */
public final class EcdhKeyPair {

  private final ECPrivateKeyParameters privateKey;
  private final byte[] publicKeyRaw;

  EcdhKeyPair(ECPrivateKeyParameters privateKey, ECPublicKeyParameters publicKey) {
    this.privateKey = privateKey;
    this.publicKeyRaw = publicKey.getQ().getEncoded(false);
  }

  /**
   * The key pair of a known private scalar (a JWK {@code d}: 32 bytes, big-endian), for reproducing
   * recorded handshakes.
   */
  public static EcdhKeyPair fromPrivateScalar(byte[] d) {
    BigInteger scalar = BigIntegers.fromUnsignedByteArray(d);
    if (scalar.signum() <= 0 || scalar.compareTo(HandshakeCrypto.DOMAIN.getN()) >= 0) {
      throw new IllegalArgumentException("private scalar out of range");
    }
    ECPrivateKeyParameters priv = new ECPrivateKeyParameters(scalar, HandshakeCrypto.DOMAIN);
    return new EcdhKeyPair(priv, new ECPublicKeyParameters(HandshakeCrypto.DOMAIN.getG().multiply(scalar).normalize(),
        HandshakeCrypto.DOMAIN));
  }

  /** The public key as WebCrypto's {@code exportKey('raw')}: 0x04 ‖ X ‖ Y, 65 bytes. */
  public byte[] publicKeyRaw() {
    return publicKeyRaw.clone();
  }

  /** The public key as it goes on the wire: raw point, standard base64 with padding. */
  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicKeyRaw);
  }

  /**
   * ECDH with the peer's public key: the X coordinate of the shared point, exactly 32 bytes big-endian
   * (leading zeros kept), as WebCrypto's {@code deriveBits(…, 256)} returns it.
   */
  public byte[] agree(ECPublicKeyParameters peer) {
    ECDHBasicAgreement agreement = new ECDHBasicAgreement();
    agreement.init(privateKey);
    return BigIntegers.asUnsignedByteArray(HandshakeCrypto.FIELD_BYTES, agreement.calculateAgreement(peer));
  }

  @Override
  public String toString() {
    return "EcdhKeyPair[public=" + Arrays.toString(Arrays.copyOf(publicKeyRaw, 4)) + "…]";
  }
}
