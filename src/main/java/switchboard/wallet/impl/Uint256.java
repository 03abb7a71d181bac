package switchboard.wallet.impl;

import java.math.BigInteger;

/** uint256 values: amounts and balances travel as plain decimal strings; EIP-712 encodes them as 32 bytes. */
public final class Uint256 {

  public static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

  private Uint256() {
  }

  /**
   * Parses a decimal string of digits only (no sign, no exponent, no spaces, at most 78 digits) that fits
   * in 256 bits.
   *
   * @return the value, or null when the text is not such a number
   */
  public static BigInteger parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 78) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    BigInteger value = new BigInteger(text);
    return value.compareTo(MAX) > 0 ? null : value;
  }

  public static boolean fits(BigInteger value) {
    return value.signum() >= 0 && value.compareTo(MAX) <= 0;
  }

  /** The value as a 32-byte big-endian word. */
  public static byte[] word(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  /** A 20-byte address left-padded with zeros to a 32-byte word. */
  public static byte[] addressWord(byte[] address) {
    byte[] out = new byte[32];
    System.arraycopy(address, 0, out, 12, 20);
    return out;
  }
}
