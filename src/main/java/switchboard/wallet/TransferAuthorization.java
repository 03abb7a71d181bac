package switchboard.wallet;

import io.vertx.core.json.JsonObject;
import switchboard.wallet.WalletProtocol.ErrorCode;
import switchboard.wallet.impl.EnvelopeReader;
import switchboard.wallet.impl.EnvelopeReader.InvalidEnvelope;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Keccak;
import switchboard.wallet.impl.Uint256;

import java.math.BigInteger;
import java.security.MessageDigest;

/**
 * The owner's consent to a REST transfer: an EIP-712 {@code Transfer(address from,address to,uint256 amount,
 * bytes32 domainSeparator,uint256 deadline)} in the gateway's domain, signed by {@code from}. Without it a
 * service token alone could move anybody's funds.
 *
 * @param from            payer, 20 bytes
 * @param to              payee, 20 bytes
 * @param amount          uint256, positive
 * @param domainSeparator the token's domain separator, 32 bytes
 * @param deadline        unix seconds
 * @param hash            the digest the client says it signed, or null when it sent none
 * @param v               27 or 28 (0 and 1 are normalised on reading)
 */
record TransferAuthorization(byte[] from, byte[] to, BigInteger amount, byte[] domainSeparator, BigInteger deadline,
                             byte[] hash, int v, BigInteger r, BigInteger s) {

  static final String TYPE = "Transfer(address from,address to,uint256 amount,bytes32 domainSeparator,uint256 deadline)";
  static final byte[] TYPE_HASH = Keccak.hash(TYPE);

  /**
   * Reads {@code {from, to, amount, domainSeparator, deadline, signature:{v, r, s, hash?}}}.
   *
   * @param token the domain separator the body named (directly or by symbol), or null when it named none
   */
  static TransferAuthorization read(JsonObject body, String token) throws InvalidEnvelope {
    byte[] from = body.getValue("from") instanceof String f ? Hex.decode(f, 20) : null;
    byte[] to = body.getValue("to") instanceof String t ? Hex.decode(t, 20) : null;
    if (from == null || to == null) {
      throw invalid("from and to must be 0x followed by 40 hex digits");
    }
    BigInteger amount = body.getValue("amount") instanceof String a ? Uint256.parse(a) : null;
    if (amount == null || amount.signum() == 0) {
      throw invalid("amount must be a positive uint256 decimal string");
    }
    byte[] separator = token == null ? null : Hex.decode(token, 32);
    if (separator == null) {
      throw invalid("domainSeparator must be 0x followed by 64 hex digits (or name a token by its symbol)");
    }
    Object rawDeadline = body.getValue("deadline");
    if (!(rawDeadline instanceof Integer || rawDeadline instanceof Long) || ((Number) rawDeadline).longValue() < 0) {
      throw invalid("deadline must be a non-negative integer of unix seconds");
    }
    if (!(body.getValue("signature") instanceof JsonObject sig)) {
      throw invalid("signature must be an object {v, r, s} over the EIP-712 Transfer");
    }
    byte[] r = sig.getValue("r") instanceof String rs ? Hex.decode(rs, 32) : null;
    byte[] s = sig.getValue("s") instanceof String ss ? Hex.decode(ss, 32) : null;
    Object rawHash = sig.getValue("hash");
    byte[] hash = rawHash instanceof String h ? Hex.decode(h, 32) : null;
    if (r == null || s == null || (rawHash != null && hash == null)) {
      throw new InvalidEnvelope(ErrorCode.INVALID_SIGNATURE,
          "signature.r and .s (and .hash, when sent) must each be 0x followed by 64 hex digits");
    }
    int v = EnvelopeReader.signatureV(sig.getValue("v"));
    return new TransferAuthorization(from, to, amount, separator, BigInteger.valueOf(((Number) rawDeadline).longValue()),
        hash, v, new BigInteger(1, r), new BigInteger(1, s));
  }

  private static InvalidEnvelope invalid(String message) {
    return new InvalidEnvelope(message);
  }

  /** The EIP-712 struct hash of the Transfer. */
  byte[] structHash() {
    return Keccak.hash(TYPE_HASH, Uint256.addressWord(from), Uint256.addressWord(to), Uint256.word(amount),
        domainSeparator, Uint256.word(deadline));
  }

  /** Verifies that {@code from} signed this transfer in the gateway's domain and that its deadline is open. */
  Eip712Verifier.Result verify(Eip712Verifier verifier) {
    byte[] digest = verifier.typedDataHash(structHash());
    if (hash != null && !MessageDigest.isEqual(hash, digest)) {
      return Eip712Verifier.Result.refuse(ErrorCode.INVALID_SIGNATURE,
          "signature.hash does not match the transfer (from, to, amount, domainSeparator, deadline or domain differ)",
          digest);
    }
    return verifier.verify(digest, from, "from", deadline, v, r, s);
  }

  /** The request the ledger takes. */
  JsonObject ledgerRequest() {
    return new JsonObject().put("from", Hex.encode(from)).put("to", Hex.encode(to)).put("amount", amount.toString())
        .put("domainSeparator", Hex.encode(domainSeparator));
  }
}
