package switchboard.wallet.impl;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

import java.math.BigInteger;
import java.util.Arrays;

/** Public-key recovery on secp256k1 (Ethereum's ecrecover), on BouncyCastle's fast custom curve. */
public final class Secp256k1 {

  private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
  public static final BigInteger N = PARAMS.getN();
  /** EIP-2: signatures with s above n/2 are the malleable twin and are refused. */
  public static final BigInteger HALF_N = N.shiftRight(1);
  private static final ECCurve CURVE = PARAMS.getCurve();
  private static final ECPoint G = PARAMS.getG();

  private Secp256k1() {
  }

  public static X9ECParameters params() {
    return PARAMS;
  }

  /**
   * Recovers the address whose key made {@code (r, s)} over {@code digest}.
   *
   * @param recoveryId 0 or 1 (v − 27): the parity of R's y coordinate
   * @return the 20-byte address, or null when no key can be recovered
   */
  public static byte[] recoverAddress(byte[] digest, int recoveryId, BigInteger r, BigInteger s) {
    if (r.signum() <= 0 || r.compareTo(N) >= 0 || s.signum() <= 0 || s.compareTo(N) >= 0) {
      return null;
    }
    ECPoint bigR;
    try {
      byte[] encoded = new byte[33];
      encoded[0] = (byte) (recoveryId == 1 ? 0x03 : 0x02);
      System.arraycopy(Uint256.word(r), 0, encoded, 1, 32);
      bigR = CURVE.decodePoint(encoded);
    } catch (IllegalArgumentException e) {
      return null;
    }
    BigInteger e = new BigInteger(1, digest);
    BigInteger rInv = r.modInverse(N);
    // Q = r⁻¹(sR − eG)
    ECPoint q = ECAlgorithms.sumOfTwoMultiplies(G, e.negate().multiply(rInv).mod(N), bigR, s.multiply(rInv).mod(N))
        .normalize();
    if (q.isInfinity()) {
      return null;
    }
    return address(q);
  }

  /** The address of a public key: the last 20 bytes of keccak256 of X ‖ Y. */
  public static byte[] address(ECPoint publicKey) {
    byte[] uncompressed = publicKey.normalize().getEncoded(false);
    byte[] hash = Keccak.hash(Arrays.copyOfRange(uncompressed, 1, 65));
    return Arrays.copyOfRange(hash, 12, 32);
  }

  /** The public point of a private scalar. */
  public static ECPoint publicKey(BigInteger privateKey) {
    return G.multiply(privateKey).normalize();
  }
}
