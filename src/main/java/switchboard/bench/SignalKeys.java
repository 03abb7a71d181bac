package switchboard.bench;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.util.BigIntegers;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The client half of the Signal handshake (DESIGN.md, Signal step 2): P-256 key pair, ECDH x-coordinate,
 * HKDF-SHA256 with the server's salt and the configured info string → AES-256-GCM key.
 */
public final class SignalKeys {

  private static final ECDomainParameters DOMAIN;

  static {
    var curve = CustomNamedCurves.getByName("secp256r1");
    DOMAIN = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH(), curve.getSeed());
  }

  /** One client key pair and its public key as WebCrypto exports it (raw point, standard base64). */
  public record KeyPair(ECPrivateKeyParameters privateKey, String publicKeyBase64) {
  }

  private SignalKeys() {
  }

  public static KeyPair generate(SecureRandom random) {
    ECKeyPairGenerator generator = new ECKeyPairGenerator();
    generator.init(new ECKeyGenerationParameters(DOMAIN, random));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    byte[] raw = ((ECPublicKeyParameters) pair.getPublic()).getQ().getEncoded(false);
    return new KeyPair((ECPrivateKeyParameters) pair.getPrivate(), Base64.getEncoder().encodeToString(raw));
  }

  /** The session's AES-256 key from the server's {@code connected} fields. */
  public static byte[] aesKey(KeyPair own, String serverPublicKeyBase64, String saltBase64, String info) {
    return hkdf(agree(own, serverPublicKeyBase64), Base64.getDecoder().decode(saltBase64), info);
  }

  /** ECDH: the x-coordinate of the shared point, 32 bytes big-endian. */
  public static byte[] agree(KeyPair own, String peerPublicKeyBase64) {
    ECPublicKeyParameters peer = new ECPublicKeyParameters(
        DOMAIN.getCurve().decodePoint(Base64.getDecoder().decode(peerPublicKeyBase64)), DOMAIN);
    ECDHBasicAgreement agreement = new ECDHBasicAgreement();
    agreement.init(own.privateKey());
    return BigIntegers.asUnsignedByteArray(32, agreement.calculateAgreement(peer));
  }

  /** HKDF-SHA256 (extract and expand) to 32 bytes. */
  public static byte[] hkdf(byte[] secret, byte[] salt, String info) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(secret, salt, info.getBytes(StandardCharsets.UTF_8)));
    byte[] key = new byte[32];
    hkdf.generateBytes(key, 0, key.length);
    return key;
  }
}
