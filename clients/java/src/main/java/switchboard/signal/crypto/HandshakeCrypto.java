package switchboard.signal.crypto;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.math.ec.ECPoint;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The key agreement of the Signal handshake, shared by the server, the Java client SDK and the load
 * generator: ephemeral P-256 key pairs, peer key parsing (raw point or SPKI DER, as WebCrypto exports
 * them), ECDH and HKDF-SHA256 to a 32-byte AES-256-GCM key. Holds only its random source; thread-safe.
 */
public final class HandshakeCrypto {

  static final ECDomainParameters DOMAIN;
  static final int FIELD_BYTES = 32;
  /** Raw uncompressed point: 0x04 ‖ X ‖ Y. */
  public static final int RAW_KEY_BYTES = 65;
  public static final int SALT_BYTES = 32;
  public static final int AES_KEY_BYTES = 32;

  static {
    var curve = CustomNamedCurves.getByName("secp256r1");
    DOMAIN = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH(), curve.getSeed());
  }

  private final SecureRandom random;

  public HandshakeCrypto() {
    this(new SecureRandom());
  }

  /** @param random the source of key pairs, salts and each session's first IV */
  public HandshakeCrypto(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  public EcdhKeyPair generateKeyPair() {
    ECKeyPairGenerator generator = new ECKeyPairGenerator();
    generator.init(new ECKeyGenerationParameters(DOMAIN, random));
    AsymmetricCipherKeyPair pair = generator.generateKeyPair();
    return new EcdhKeyPair((ECPrivateKeyParameters) pair.getPrivate(), (ECPublicKeyParameters) pair.getPublic());
  }

  /** A fresh random HKDF salt (32 bytes). */
  public byte[] newSalt() {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return salt;
  }

  /**
   * Parses a peer's P-256 public key from standard base64: a raw uncompressed point (65 bytes,
   * WebCrypto {@code exportKey('raw')}) or an X.509 SubjectPublicKeyInfo (WebCrypto {@code 'spki'}).
   * The point must lie on the curve and not be the point at infinity.
   */
  public static ECPublicKeyParameters parsePublicKey(String base64) throws InvalidPublicKeyException {
    if (base64 == null || base64.isEmpty()) {
      throw new InvalidPublicKeyException("clientPublicKey is missing");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidPublicKeyException("clientPublicKey is not base64");
    }
    return parsePublicKey(bytes);
  }

  public static ECPublicKeyParameters parsePublicKey(byte[] bytes) throws InvalidPublicKeyException {
    byte[] point = bytes.length == RAW_KEY_BYTES && bytes[0] == 0x04 ? bytes : pointOfSpki(bytes);
    if (point.length != RAW_KEY_BYTES || point[0] != 0x04) {
      throw new InvalidPublicKeyException("clientPublicKey must be an uncompressed P-256 point");
    }
    try {
      ECPoint q = DOMAIN.getCurve().decodePoint(point);
      // the constructor validates: on the curve, not infinity, in the prime-order subgroup
      return new ECPublicKeyParameters(q, DOMAIN);
    } catch (IllegalArgumentException e) {
      throw new InvalidPublicKeyException("clientPublicKey is not a valid P-256 point");
    }
  }

  private static byte[] pointOfSpki(byte[] der) throws InvalidPublicKeyException {
    SubjectPublicKeyInfo spki;
    try {
      spki = SubjectPublicKeyInfo.getInstance(der);
    } catch (RuntimeException e) {
      throw new InvalidPublicKeyException("clientPublicKey is neither a raw point nor SPKI DER");
    }
    if (spki == null || !X9ObjectIdentifiers.id_ecPublicKey.equals(spki.getAlgorithm().getAlgorithm())) {
      throw new InvalidPublicKeyException("clientPublicKey SPKI is not an EC key");
    }
    var params = spki.getAlgorithm().getParameters();
    if (!(params instanceof ASN1ObjectIdentifier curve) || !SECObjectIdentifiers.secp256r1.equals(curve)) {
      throw new InvalidPublicKeyException("clientPublicKey SPKI is not on P-256");
    }
    return spki.getPublicKeyData().getBytes();
  }

  /**
   * HKDF-SHA256 (RFC 5869, extract then expand) of the ECDH secret with the server's salt and the
   * configured info string (UTF-8), 32 bytes: the AES-256-GCM key.
   */
  public static byte[] deriveAesKey(byte[] sharedSecret, byte[] salt, String info) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(sharedSecret, salt, info.getBytes(StandardCharsets.UTF_8)));
    byte[] key = new byte[AES_KEY_BYTES];
    hkdf.generateBytes(key, 0, key.length);
    return key;
  }

  /** Everything one side does once it has the peer's key: agree, derive, and wrap the key in a cipher. */
  public SessionCipher session(EcdhKeyPair own, ECPublicKeyParameters peer, byte[] salt, String info) {
    byte[] secret = own.agree(peer);
    byte[] key = deriveAesKey(secret, salt, info);
    java.util.Arrays.fill(secret, (byte) 0);
    SessionCipher cipher = new SessionCipher(key, random);
    java.util.Arrays.fill(key, (byte) 0);
    return cipher;
  }
}
