package switchboard.wallet.impl;

/** 0x-prefixed hexadecimal as Ethereum tools print it: lowercase out, either case in. */
public final class Hex {

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {
  }

  /** {@code 0x} followed by two lowercase digits per byte. */
  public static String encode(byte[] bytes) {
    char[] out = new char[2 + bytes.length * 2];
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < bytes.length; i++) {
      out[2 + 2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      out[3 + 2 * i] = DIGITS[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /**
   * Decodes {@code 0x} followed by exactly {@code 2 * length} hex digits of either case.
   *
   * @return the bytes, or null when the text is not of that form
   */
  public static byte[] decode(String text, int length) {
    if (text == null || text.length() != 2 + 2 * length || text.charAt(0) != '0'
        || (text.charAt(1) != 'x' && text.charAt(1) != 'X')) {
      return null;
    }
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      int hi = digit(text.charAt(2 + 2 * i));
      int lo = digit(text.charAt(3 + 2 * i));
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /** ASCII hex digits only: {@link Character#digit} would also take other scripts' digits and fullwidth letters. */
  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
