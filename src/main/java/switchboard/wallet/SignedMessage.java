package switchboard.wallet;

import io.vertx.core.json.JsonObject;

import java.math.BigInteger;

/**
 * One envelope as the client sent it, its fields checked for shape but not yet for authenticity.
 *
 * @param type          the operation, as signed
 * @param callerAddress the claimed signer, 20 bytes
 * @param deadline      unix seconds
 * @param payloadJson   the exact text of the {@code payload} member: what the client hashed
 * @param payload       the same payload, parsed
 * @param hash          the digest the client says it signed ({@code signature.hash})
 * @param v             27 or 28 (0 and 1 are normalised on reading)
 */
public record SignedMessage(String type, byte[] callerAddress, BigInteger deadline, String payloadJson,
                            JsonObject payload, byte[] hash, int v, BigInteger r, BigInteger s) {

  /** The payload's {@code requestId} when it is a string, else null. */
  public String requestId() {
    return payload.getValue("requestId") instanceof String id ? id : null;
  }
}
