package switchboard.wallet;

import switchboard.config.ConfigReader;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Uint256;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded dev ledger ({@code wallet.ledger}).
 *
 * @param enabled whether this node runs the dev ledger (off by default; refused in prod; at most one per
 *                cluster)
 * @param dataDir directory of the MVStore file that keeps balances across restarts
 * @param grants  start-up credits from {@code grants} and {@code fund} (env SWITCHBOARD_WALLET_FUND)
 */
public record LedgerConfig(boolean enabled, Path dataDir, List<Grant> grants) {

  /**
   * Credit of {@code amount} to {@code address} on each of {@code tokens}, applied at most once: the store
   * remembers what each (source, address, token) was granted and only ever credits the increase.
   *
   * @param source  "conf" or "fund", so the two lists never cancel each other
   * @param address lowercase 0x-hex
   * @param tokens  domain separators
   */
  public record Grant(String source, String address, BigInteger amount, List<String> tokens) {
  }

  static LedgerConfig read(ConfigReader r, List<TokenInfo> tokens) {
    List<String> all = tokens.stream().map(TokenInfo::domainSeparator).toList();
    List<Grant> grants = new ArrayList<>();
    for (ConfigReader g : r.sections("grants")) {
      String address = address(g, "address", g.requiredString("address"));
      BigInteger amount = amount(g, "amount", g.requiredString("amount"));
      List<String> symbols = g.strings("tokens", List.of());
      List<String> separators = symbols.isEmpty() ? all : symbols.stream().map(s -> tokens.stream()
          .filter(t -> t.symbol().equals(s)).findFirst()
          .orElseThrow(() -> g.invalid("tokens", "names an unknown token symbol \"" + s + "\"")).domainSeparator())
          .toList();
      grants.add(new Grant("conf", address, amount, separators));
    }
    String fund = r.string("fund", "").trim();
    if (!fund.isEmpty()) {
      for (String entry : fund.split(",")) {
        String[] parts = entry.trim().split("=", -1);
        if (parts.length != 2) {
          throw r.invalid("fund", "must be a comma list of address=amount (SWITCHBOARD_WALLET_FUND)");
        }
        grants.add(new Grant("fund", address(r, "fund", parts[0].trim()), amount(r, "fund", parts[1].trim()), all));
      }
    }
    return new LedgerConfig(r.bool("enabled", false), Path.of(r.string("dataDir", "data/wallet-ledger")),
        List.copyOf(grants));
  }

  private static String address(ConfigReader r, String key, String text) {
    byte[] bytes = Hex.decode(text, 20);
    if (bytes == null) {
      throw r.invalid(key, "address must be 0x followed by 40 hex digits (was \"" + text + "\")");
    }
    return Hex.encode(bytes);
  }

  private static BigInteger amount(ConfigReader r, String key, String text) {
    BigInteger v = Uint256.parse(text);
    if (v == null) {
      throw r.invalid(key, "amount must be a uint256 decimal string (was \"" + text + "\")");
    }
    return v;
  }
}
