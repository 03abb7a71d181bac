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
    return typedDataHash(Keccak.hash(TYPE_HASH, Keccak.hash(m.type()), Uint256.addressWord(m.callerAddress()),
        Uint256.word(m.deadline()), payloadHash));
  }

  /** keccak256(0x19 0x01 ‖ the gateway's domain separator ‖ structHash): what a wallet signs. */
  public byte[] typedDataHash(byte[] structHash) {
    return Keccak.hash(PREFIX, domainSeparator, structHash);
  }

  /** Verifies the signature, then the deadline against the clock. */
  public Result verify(SignedMessage m) {
    byte[] digest = digest(m);
    if (!MessageDigest.isEqual(digest, m.hash())) {
      return Result.refuse(ErrorCode.INVALID_SIGNATURE,
          "signature.hash does not match the message (payload, type, callerAddress, deadline or domain differ)", digest);
    }
    return verify(digest, m.callerAddress(), "callerAddress", m.deadline(), m.v(), m.r(), m.s());
  }

  /**
   * Verifies a signature {@code (v, r, s)} over {@code digest}: low-s, made by {@code claimedSigner}, then
   * {@code deadline} against the clock.
   *
   * @param v          27 or 28
   * @param signerName how the claimed signer is called in the refusal ("callerAddress", "from")
   */
  public Result verify(byte[] digest, byte[] claimedSigner, String signerName, BigInteger deadline, int v,
                       BigInteger r, BigInteger s) {
    if (s.compareTo(Secp256k1.HALF_N) > 0) {
      return Result.refuse(ErrorCode.INVALID_SIGNATURE, "s is above n/2 (EIP-2): use the low-s form", digest);
    }
    byte[] signer = Secp256k1.recoverAddress(digest, v - 27, r, s);
    if (signer == null || !Arrays.equals(signer, claimedSigner)) {
      return Result.refuse(ErrorCode.INVALID_SIGNATURE, "the signature was not made by " + signerName, digest);
    }
    BigInteger now = BigInteger.valueOf(clock.instant().getEpochSecond());
    if (deadline.compareTo(now) <= 0) {
      return Result.refuse(ErrorCode.EXPIRED_DEADLINE, "deadline has passed", digest);
    }
    if (deadline.compareTo(now.add(BigInteger.valueOf(horizonSeconds))) > 0) {
      return Result.refuse(ErrorCode.DEADLINE_TOO_FAR,
          "deadline is more than " + horizonSeconds + " s ahead", digest);
    }
    return new Result(null, null, signer, digest);
  }
}
