package switchboard.wallet;

import switchboard.wallet.WalletProtocol.ErrorCode;
import switchboard.wallet.impl.Keccak;
import switchboard.wallet.impl.Secp256k1;
import switchboard.wallet.impl.Uint256;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Checks a {@link SignedMessage} the way ethers v6 signs it: {@code GatewayMessage(string type,address
 * callerAddress,uint256 deadline,bytes32 payloadHash)} under the gateway's domain, where payloadHash is
 * keccak256 of the payload text exactly as sent. Stateless and thread-safe; replay and session binding
 * are the caller's business.
 */
public final class Eip712Verifier {

  /** keccak256 of the message type string. */
  static final byte[] TYPE_HASH = Keccak.hash(
      "GatewayMessage(string type,address callerAddress,uint256 deadline,bytes32 payloadHash)");
  private static final byte[] PREFIX = {0x19, 0x01};

  private final byte[] domainSeparator;
  private final Clock clock;
  private final long horizonSeconds;

  /**
   * @param horizon how far ahead of the clock a deadline may lie (it bounds how long the replay cache keeps
   *                an entry)
   */
  public Eip712Verifier(Eip712Domain domain, Clock clock, Duration horizon) {
    this.domainSeparator = Objects.requireNonNull(domain, "domain").separator();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.horizonSeconds = horizon.toSeconds();
  }

  /**
   * The outcome: the verified signer, or the reason the message is refused.
   *
   * @param signer 20 bytes when {@code error} is null
   * @param digest the EIP-712 digest the server computed (identifies the signed message)
   */
  public record Result(ErrorCode error, String reason, byte[] signer, byte[] digest) {

    public boolean ok() {
      return error == null;
    }

    static Result refuse(ErrorCode error, String reason, byte[] digest) {
      return new Result(error, reason, null, digest);
    }
  }

  /** The digest the server signs off on, recomputed from the envelope's own fields. */
  public byte[] digest(SignedMessage m) {
    byte[] payloadHash = Keccak.hash(m.payloadJson().getBytes(StandardCharsets.UTF_8));
    byte[] structHash = Keccak.hash(TYPE_HASH, Keccak.hash(m.type()), Uint256.addressWord(m.callerAddress()),
        Uint256.word(m.deadline()), payloadHash);
    return Keccak.hash(PREFIX, domainSeparator, structHash);
  }

  /** Verifies the signature, then the deadline against the clock. */
  public Result verify(SignedMessage m) {
    byte[] digest = digest(m);
    if (!MessageDigest.isEqual(digest, m.hash())) {
      return Result.refuse(ErrorCode.INVALID_SIGNATURE,
          "signature.hash does not match the message (payload, type, callerAddress, deadline or domain differ)", digest);
    }
    if (m.s().compareTo(Secp256k1.HALF_N) > 0) {
      return Result.refuse(ErrorCode.INVALID_SIGNATURE, "s is above n/2 (EIP-2): use the low-s form", digest);
    }
    byte[] signer = Secp256k1.recoverAddress(digest, m.v() - 27, m.r(), m.s());
    if (signer == null || !Arrays.equals(signer, m.callerAddress())) {
      return Result.refuse(ErrorCode.INVALID_SIGNATURE, "the signature was not made by callerAddress", digest);
    }
    long now = clock.instant().getEpochSecond();
    BigInteger nowBig = BigInteger.valueOf(now);
    if (m.deadline().compareTo(nowBig) <= 0) {
      return Result.refuse(ErrorCode.EXPIRED_DEADLINE, "deadline has passed", digest);
    }
    if (m.deadline().compareTo(nowBig.add(BigInteger.valueOf(horizonSeconds))) > 0) {
      return Result.refuse(ErrorCode.DEADLINE_TOO_FAR,
          "deadline is more than " + horizonSeconds + " s ahead", digest);
    }
    return new Result(null, null, signer, digest);
  }
}
