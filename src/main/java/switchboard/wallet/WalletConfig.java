package switchboard.wallet;

import switchboard.config.ConfigReader;
import switchboard.config.HttpEndpointConfig;
import switchboard.platform.ServiceConfig;
import switchboard.wallet.impl.Hex;
import switchboard.ws.WsLimits;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code wallet} section: endpoint, EIP-712 domain, verification and session limits, tokens and the
 * dev ledger. Defaults live here and only here.
 *
 * @param publicWsUrl      WebSocket URL published by /basic-data; empty: derived from the request's Host
 * @param deadlineHorizon  how far ahead a deadline may lie (900 s by default); bounds the replay cache
 * @param ledgerTimeout    how long to wait for the ledger before LEDGER_UNAVAILABLE (3000 ms by default)
 * @param maxSubscriptions (kind, token) subscriptions one connection may hold (64 by default)
 * @param maxTransferBodyBytes request body limit of the REST API (4096 bytes by default)
 */
public record WalletConfig(boolean enabled, HttpEndpointConfig http, WsLimits ws, Eip712Domain domain,
                           String publicWsUrl, Duration deadlineHorizon, Duration ledgerTimeout,
                           int maxSubscriptions, int maxTransferBodyBytes, List<TokenInfo> tokens,
                           LedgerConfig ledger) implements ServiceConfig {

  public static final int DEFAULT_PORT = 8082;
  public static final long DEFAULT_CHAIN_ID = 31337;

  /** The tokens of a section without {@code tokens} (as documented); their separators follow the chainId. */
  private record DefaultToken(String symbol, int decimals) {
  }

  private static final List<DefaultToken> DEFAULT_TOKENS =
      List.of(new DefaultToken("USDC", 6), new DefaultToken("USDT", 6), new DefaultToken("ETH", 18));

  /**
   * The wallet's WebSocket defaults: small frames (envelopes are a few hundred bytes), the contract's 10 s
   * auth window, pings every 25 s and 75 s without any frame (pongs count) closes.
   */
  public static final WsLimits WS_DEFAULTS = WsLimits.DEFAULTS
      .withMessageSize(16 * 1024, 1, 64 * 1024)
      .withAuthTimeout(Duration.ofSeconds(10))
      .withPingInterval(Duration.ofSeconds(25))
      .withIdleTimeout(Duration.ofSeconds(75))
      .withRate(50, 100, 50);

  public static WalletConfig read(ConfigReader r) {
    long chainId = r.longValue("chainId", DEFAULT_CHAIN_ID, 1, Long.MAX_VALUE);
    byte[] contract = null;
    String contractText = r.string("verifyingContract", "");
    if (!contractText.isEmpty()) {
      contract = Hex.decode(contractText, 20);
      if (contract == null) {
        throw r.invalid("verifyingContract", "must be 0x followed by 40 hex digits");
      }
    }
    List<TokenInfo> tokens = tokens(r, BigInteger.valueOf(chainId));
    return new WalletConfig(
        r.bool("enabled", true),
        HttpEndpointConfig.read(r, DEFAULT_PORT),
        WsLimits.read(r.section("ws"), WS_DEFAULTS),
        Eip712Domain.gateway(BigInteger.valueOf(chainId), contract),
        r.string("publicWsUrl", ""),
        Duration.ofSeconds(r.longValue("deadlineHorizonSeconds", 900, 10, 86_400)),
        r.millis("ledgerTimeoutMs", 3000, 50, 60_000),
        r.integer("maxSubscriptions", 64, 1, 10_000),
        r.integer("maxTransferBodyBytes", 4096, 256, 1024 * 1024),
        tokens,
        LedgerConfig.read(r.section("ledger"), tokens));
  }

  /**
   * Tokens: {@code symbol}, {@code decimals} and either a {@code domainSeparator} or the parts of the
   * token's EIP-712 domain ({@code name} = symbol, {@code version} = "1", the gateway's chainId and the
   * optional token {@code address} as verifyingContract) from which it is computed.
   */
  private static List<TokenInfo> tokens(ConfigReader r, BigInteger chainId) {
    if (!r.has("tokens")) {
      return DEFAULT_TOKENS.stream()
          .map(t -> new TokenInfo(t.symbol(), t.decimals(),
              Hex.encode(new Eip712Domain(t.symbol(), "1", chainId, null).separator())))
          .toList();
    }
    List<TokenInfo> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ConfigReader t : r.sections("tokens")) {
      String symbol = t.requiredString("symbol");
      int decimals = t.integer("decimals", 18, 0, 77);
      String separator;
      if (t.has("domainSeparator")) {
        byte[] bytes = Hex.decode(t.string("domainSeparator", null), 32);
        if (bytes == null) {
          throw t.invalid("domainSeparator", "must be 0x followed by 64 hex digits");
        }
        separator = Hex.encode(bytes);
      } else {
        byte[] address = null;
        if (t.has("address")) {
          address = Hex.decode(t.string("address", null), 20);
          if (address == null) {
            throw t.invalid("address", "must be 0x followed by 40 hex digits");
          }
        }
        separator = Hex.encode(new Eip712Domain(t.string("name", symbol), t.string("version", "1"), chainId, address)
            .separator());
      }
      if (!seen.add(separator) || !seen.add("symbol:" + symbol)) {
        throw t.invalid("symbol", "token " + symbol + " repeats a symbol or domain separator");
      }
      out.add(new TokenInfo(symbol, decimals, separator));
    }
    return List.copyOf(out);
  }
}
