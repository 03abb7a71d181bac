package switchboard.wallet.impl;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Verifies the parsing of 0x-hex and uint256 decimal strings taken from the wire. */
class WireValuesTest {

  /** Verifies that hex needs the 0x prefix, the exact length and ASCII digits, in either case. */
  @Test
  void hexIsStrict() {
    assertThat(Hex.decode("0xAbCd", 2)).containsExactly(0xab, 0xcd);
    assertThat(Hex.decode("0XABCD", 2)).containsExactly(0xab, 0xcd);
    assertThat(Hex.decode("abcd", 2)).isNull();
    assertThat(Hex.decode("0xabc", 2)).isNull();
    assertThat(Hex.decode("0xabcdef", 2)).isNull();
    assertThat(Hex.decode("0x\u0663\u0663", 1)).isNull();
    assertThat(Hex.decode("0x\uFF21\uFF21", 1)).isNull();
    assertThat(Hex.decode("0xgg", 1)).isNull();
    assertThat(Hex.decode(null, 1)).isNull();
    assertThat(Hex.encode(new byte[] {(byte) 0xab, 0x01})).isEqualTo("0xab01");
  }

  /** Verifies that amounts are plain decimal digits within 0 … 2^256−1. */
  @Test
  void uint256RejectsSignsExponentsAndOverflow() {
    assertThat(Uint256.parse("0")).isEqualTo(BigInteger.ZERO);
    assertThat(Uint256.parse(Uint256.MAX.toString())).isEqualTo(Uint256.MAX);
    assertThat(Uint256.parse(Uint256.MAX.add(BigInteger.ONE).toString())).isNull();
    assertThat(Uint256.parse("9".repeat(79))).isNull();
    for (String bad : new String[] {"", "-1", "+1", "1e3", "1.0", " 1", "0x10", "\u0663"}) {
      assertThat(Uint256.parse(bad)).as(bad).isNull();
    }
    assertThat(Uint256.word(BigInteger.ONE)).hasSize(32).endsWith((byte) 1);
    assertThat(Uint256.word(Uint256.MAX)).hasSize(32).containsOnly((byte) 0xff);
  }
}
