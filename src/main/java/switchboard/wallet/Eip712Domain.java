package switchboard.wallet;

import io.vertx.core.json.JsonObject;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Keccak;
import switchboard.wallet.impl.Uint256;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An EIP-712 domain {@code {name, version, chainId[, verifyingContract]}} and its separator, as ethers'
 * {@code TypedDataEncoder.hashDomain} computes it.
 *
 * @param verifyingContract the 20-byte contract address, or null when the domain has none
 */
public record Eip712Domain(String name, String version, BigInteger chainId, byte[] verifyingContract) {

  private static final byte[] TYPE_HASH = Keccak.hash("EIP712Domain(string name,string version,uint256 chainId)");
  private static final byte[] TYPE_HASH_WITH_CONTRACT =
      Keccak.hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

  public Eip712Domain {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(chainId, "chainId");
    if (!Uint256.fits(chainId)) {
      throw new IllegalArgumentException("chainId must be a uint256");
    }
    if (verifyingContract != null) {
      if (verifyingContract.length != 20) {
        throw new IllegalArgumentException("verifyingContract must be 20 bytes");
      }
      verifyingContract = verifyingContract.clone();
    }
  }

  /** A copy of the 20-byte contract address, or null. */
  @Override
  public byte[] verifyingContract() {
    return verifyingContract == null ? null : verifyingContract.clone();
  }

  /** The gateway's own domain: name {@code WalletGateway}, version {@code 1}. */
  public static Eip712Domain gateway(BigInteger chainId, byte[] verifyingContract) {
    return new Eip712Domain("WalletGateway", "1", chainId, verifyingContract);
  }

  /** The 32-byte domain separator. */
  public byte[] separator() {
    byte[] head = verifyingContract == null ? TYPE_HASH : TYPE_HASH_WITH_CONTRACT;
    byte[][] parts = verifyingContract == null
        ? new byte[][] {head, Keccak.hash(name), Keccak.hash(version), Uint256.word(chainId)}
        : new byte[][] {head, Keccak.hash(name), Keccak.hash(version), Uint256.word(chainId),
            Uint256.addressWord(verifyingContract)};
    return Keccak.hash(parts);
  }

  /** The domain as a client passes it to ethers ({@code chainId} a JSON number). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("version", version)
        .put("chainId", chainId.bitLength() < 63 ? (Object) chainId.longValue() : chainId.toString());
    if (verifyingContract != null) {
      json.put("verifyingContract", Hex.encode(verifyingContract));
    }
    return json;
  }
}
