package switchboard.wallet;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Keccak;
import switchboard.wallet.impl.Secp256k1;
import switchboard.wallet.impl.Uint256;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A wallet client for tests, signing with BouncyCastle exactly as ethers v6 does: EIP-712 digest over
 * keccak256 of the payload text, deterministic (RFC 6979) low-s signature, v 27/28.
 */
final class TestWallet {

  private static final SecureRandom RANDOM = new SecureRandom();

  final BigInteger privateKey;
  final byte[] address;
  private final Eip712Domain domain;

  TestWallet(Eip712Domain domain) {
    this(domain, new BigInteger(256, RANDOM).mod(Secp256k1.N.subtract(BigInteger.ONE)).add(BigInteger.ONE));
  }

  TestWallet(Eip712Domain domain, BigInteger privateKey) {
    this.domain = domain;
    this.privateKey = privateKey;
    this.address = Secp256k1.address(Secp256k1.publicKey(privateKey));
  }

  String address() {
    return Hex.encode(address);
  }

  /** The EIP-712 digest of a message, as ethers' TypedDataEncoder.hash. */
  byte[] digest(String type, byte[] caller, long deadline, String payloadJson) {
    byte[] structHash = Keccak.hash(Eip712Verifier.TYPE_HASH, Keccak.hash(type), Uint256.addressWord(caller),
        Uint256.word(BigInteger.valueOf(deadline)), Keccak.hash(payloadJson.getBytes(StandardCharsets.UTF_8)));
    return Keccak.hash(new byte[] {0x19, 0x01}, domain.separator(), structHash);
  }

  /** {r, s, v}: a low-s signature of the digest. */
  Object[] sign(byte[] digest) {
    var p = Secp256k1.params();
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(privateKey, new ECDomainParameters(p.getCurve(), p.getG(), p.getN())));
    BigInteger[] rs = signer.generateSignature(digest);
    BigInteger r = rs[0];
    BigInteger s = rs[1].compareTo(Secp256k1.HALF_N) > 0 ? Secp256k1.N.subtract(rs[1]) : rs[1];
    for (int id = 0; id < 2; id++) {
      if (Arrays.equals(Secp256k1.recoverAddress(digest, id, r, s), address)) {
        return new Object[] {r, s, 27 + id};
      }
    }
    throw new IllegalStateException("no recovery id matches");
  }

  /** The REST transfer type, written out here rather than taken from the server. */
  private static final byte[] TRANSFER_TYPE_HASH =
      Keccak.hash("Transfer(address from,address to,uint256 amount,bytes32 domainSeparator,uint256 deadline)");

  /** A POST /api/wallet/transfers body moving this wallet's funds, signed by it, valid for 5 minutes. */
  JsonObject transfer(String to, String amount, String domainSeparator) {
    return transfer(address(), to, amount, domainSeparator, System.currentTimeMillis() / 1000 + 300);
  }

  /** A transfer body claiming {@code from}, signed by this wallet (which need not be {@code from}). */
  JsonObject transfer(String from, String to, String amount, String domainSeparator, long deadline) {
    byte[] structHash = Keccak.hash(TRANSFER_TYPE_HASH, Uint256.addressWord(Hex.decode(from, 20)),
        Uint256.addressWord(Hex.decode(to, 20)), Uint256.word(new BigInteger(amount)), Hex.decode(domainSeparator, 32),
        Uint256.word(BigInteger.valueOf(deadline)));
    byte[] digest = Keccak.hash(new byte[] {0x19, 0x01}, domain.separator(), structHash);
    Object[] sig = sign(digest);
    return new JsonObject().put("from", from).put("to", to).put("amount", amount)
        .put("domainSeparator", domainSeparator).put("deadline", deadline)
        .put("signature", new JsonObject().put("v", sig[2]).put("r", Hex.encode(Uint256.word((BigInteger) sig[0])))
            .put("s", Hex.encode(Uint256.word((BigInteger) sig[1]))));
  }

  /** The envelope text as ethers' client would send it, signed by this wallet for itself. */
  String envelope(String type, long deadline, String payloadJson) {
    return envelope(type, address(), deadline, payloadJson);
  }

  /** The envelope text claiming {@code caller}, signed by this wallet. */
  String envelope(String type, String caller, long deadline, String payloadJson) {
    byte[] digest = digest(type, Hex.decode(caller, 20), deadline, payloadJson);
    Object[] sig = sign(digest);
    return envelope(type, caller, deadline, payloadJson, digest, (BigInteger) sig[0], (BigInteger) sig[1], (int) sig[2]);
  }

  static String envelope(String type, String caller, long deadline, String payloadJson, byte[] hash,
                         BigInteger r, BigInteger s, int v) {
    JsonObject signature = new JsonObject().put("hash", Hex.encode(hash)).put("v", v)
        .put("r", Hex.encode(Uint256.word(r))).put("s", Hex.encode(Uint256.word(s)));
    return "{\"type\":" + Json.encode(type) + ",\"callerAddress\":\"" + caller + "\",\"deadline\":" + deadline + ",\"payload\":" + payloadJson
        + ",\"signature\":" + signature.encode() + "}";
  }
}
