package switchboard.bench;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.encoders.Hex;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A wallet client's signer, as ethers v6 {@code signTypedData} does it (docs/wallet.md): the
 * EIP-712 digest of {@code GatewayMessage(string type,address callerAddress,uint256 deadline,bytes32
 * payloadHash)} under the gateway's domain separator, a deterministic (RFC 6979) secp256k1 signature with
 * low s and v 27/28 taken from the parity of R (no trial recovery).
 */
public final class WalletSigner {

  private static final X9ECParameters K1 = CustomNamedCurves.getByName("secp256k1");
  private static final BigInteger N = K1.getN();
  private static final BigInteger HALF_N = N.shiftRight(1);
  private static final byte[] TYPE_HASH =
      keccak("GatewayMessage(string type,address callerAddress,uint256 deadline,bytes32 payloadHash)".getBytes(StandardCharsets.US_ASCII));

  private final BigInteger privateKey;
  private final byte[] address;

  public WalletSigner(SecureRandom random) {
    BigInteger d;
    do {
      d = new BigInteger(256, random);
    } while (d.signum() == 0 || d.compareTo(N) >= 0);
    this.privateKey = d;
    byte[] pub = new FixedPointCombMultiplier().multiply(K1.getG(), d).normalize().getEncoded(false);
    byte[] hash = keccak(java.util.Arrays.copyOfRange(pub, 1, pub.length));
    this.address = java.util.Arrays.copyOfRange(hash, 12, 32);
  }

  /** The address, lowercase {@code 0x}-hex. */
  public String address() {
    return "0x" + Hex.toHexString(address);
  }

  /** The envelope text a client sends: {@code payloadJson} is the exact text that is hashed and sent. */
  public String envelope(byte[] domainSeparator, String type, long deadline, String payloadJson) {
    byte[] struct = keccak(TYPE_HASH, keccak(type.getBytes(StandardCharsets.UTF_8)), word(address),
        word(BigInteger.valueOf(deadline).toByteArray()), keccak(payloadJson.getBytes(StandardCharsets.UTF_8)));
    byte[] digest = keccak(new byte[] {0x19, 0x01}, domainSeparator, struct);
    HMacDSAKCalculator kCalculator = new HMacDSAKCalculator(new SHA256Digest());
    BigInteger e = new BigInteger(1, digest);
    kCalculator.init(N, privateKey, digest);
    while (true) {
      BigInteger k = kCalculator.nextK();
      ECPoint p = new FixedPointCombMultiplier().multiply(K1.getG(), k).normalize();
      BigInteger r = p.getAffineXCoord().toBigInteger().mod(N);
      if (r.signum() == 0) {
        continue;
      }
      BigInteger s = k.modInverse(N).multiply(e.add(privateKey.multiply(r))).mod(N);
      if (s.signum() == 0) {
        continue;
      }
      int recovery = p.getAffineYCoord().toBigInteger().testBit(0) ? 1 : 0;
      if (s.compareTo(HALF_N) > 0) {
        s = N.subtract(s);
        recovery ^= 1;
      }
      return "{\"type\":\"" + type + "\",\"callerAddress\":\"" + address() + "\",\"deadline\":" + deadline
          + ",\"payload\":" + payloadJson + ",\"signature\":{\"hash\":\"0x" + Hex.toHexString(digest)
          + "\",\"v\":" + (27 + recovery) + ",\"r\":\"0x" + Hex.toHexString(BigIntegers.asUnsignedByteArray(32, r))
          + "\",\"s\":\"0x" + Hex.toHexString(BigIntegers.asUnsignedByteArray(32, s)) + "\"}}";
    }
  }

  /** {@code 0x}-hex → bytes. */
  public static byte[] hex(String text) {
    return Hex.decode(text.startsWith("0x") ? text.substring(2) : text);
  }

  static byte[] keccak(byte[]... parts) {
    KeccakDigest digest = new KeccakDigest(256);
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }

  /** A big-endian value left-padded to a 32-byte ABI word. */
  private static byte[] word(byte[] value) {
    byte[] out = new byte[32];
    int start = value.length > 32 ? value.length - 32 : 0;
    System.arraycopy(value, start, out, 32 - (value.length - start), value.length - start);
    return out;
  }
}
