package switchboard.wallet;

import io.vertx.core.json.JsonObject;

/**
 * A token the ledger keeps balances of, named on the wire by its EIP-712 domain separator.
 *
 * @param domainSeparator 0x-hex, lowercase, 32 bytes
 */
public record TokenInfo(String symbol, int decimals, String domainSeparator) {

  public JsonObject toJson() {
    return new JsonObject().put("symbol", symbol).put("decimals", decimals).put("domainSeparator", domainSeparator);
  }
}
