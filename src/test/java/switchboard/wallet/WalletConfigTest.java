package switchboard.wallet;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import switchboard.app.EnvOverrides;
import switchboard.config.ConfigException;
import switchboard.config.ConfigReader;
import switchboard.platform.Profile;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Verifies reading and checking of the {@code wallet} config section. */
class WalletConfigTest {

  private static WalletConfig read(JsonObject section) {
    return new WalletDefinition().parse(new ConfigReader(new JsonObject().put("wallet", section)).section("wallet"),
        switchboard.platform.Profile.DEV);
  }

  /** Verifies that the shipped conf/default.json wallet section reads with the documented defaults. */
  @Test
  void defaultConfigReads() throws IOException {
    JsonObject all = new JsonObject(Files.readString(Path.of("conf/default.json")));
    WalletConfig c = read(all.getJsonObject("wallet"));
    assertThat(c.enabled()).isTrue();
    assertThat(c.http().port()).isEqualTo(8082);
    assertThat(c.domain().chainId()).isEqualTo(BigInteger.valueOf(31337));
    assertThat(c.domain().verifyingContract()).isNull();
    assertThat(c.ws().authTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.deadlineHorizon()).isEqualTo(Duration.ofSeconds(900));
    assertThat(c.tokens()).extracting(TokenInfo::symbol).containsExactly("USDC", "USDT", "ETH");
    assertThat(c.ledger().enabled()).isFalse();
    assertThat(c.ledger().grants()).isEmpty();
  }

  /** Verifies that the prod profile refuses the dev ledger and accepts the gateway without it. */
  @Test
  void prodRefusesTheDevLedger() {
    JsonObject on = new JsonObject().put("ledger", new JsonObject().put("enabled", true));
    assertThatThrownBy(() -> new WalletDefinition().parse(new ConfigReader(new JsonObject().put("wallet", on))
        .section("wallet"), Profile.PROD))
        .isInstanceOf(ConfigException.class).hasMessageContaining("wallet.ledger.enabled");
    assertThat(new WalletDefinition().parse(new ConfigReader(new JsonObject().put("wallet", on)).section("wallet"),
        Profile.DEV).ledger().enabled()).isTrue();
    assertThat(new WalletDefinition().parse(new ConfigReader(new JsonObject()).section("wallet"), Profile.PROD)
        .ledger().enabled()).isFalse();
  }

  /**
   * Verifies that a section without {@code tokens} (a --conf file naming only ports) gets the documented
   * USDC/USDT/ETH, the same as conf/default.json, and a funded address is credited on each.
   */
  @Test
  void absentTokensReadAsTheDocumentedDefaults() throws IOException {
    // GIVEN the shipped tokens and a section that names no tokens
    JsonObject all = new JsonObject(Files.readString(Path.of("conf/default.json")));
    List<TokenInfo> shipped = read(all.getJsonObject("wallet")).tokens();
    String a = "0x" + "cd".repeat(20);
    JsonObject section = new JsonObject().put("port", 0).put("ledger", new JsonObject().put("fund", a + "=9"));

    // WHEN it is read
    WalletConfig c = read(section);

    // THEN it has the documented tokens, separators included, and the fund covers each of them
    assertThat(c.tokens()).isEqualTo(shipped);
    assertThat(c.tokens()).extracting(TokenInfo::symbol).containsExactly("USDC", "USDT", "ETH");
    assertThat(c.ledger().grants()).singleElement().satisfies(g -> assertThat(g.tokens()).hasSize(3));
    // and the default separators follow the configured chainId
    assertThat(read(new JsonObject().put("chainId", 1)).tokens()).extracting(TokenInfo::domainSeparator)
        .doesNotContainAnyElementsOf(shipped.stream().map(TokenInfo::domainSeparator).toList());
  }

  /** Verifies that SWITCHBOARD_WALLET_FUND becomes a grant of each amount on every token. */
  @Test
  void fundFromEnvironmentGrantsEveryToken() throws IOException {
    JsonObject all = new JsonObject(Files.readString(Path.of("conf/default.json")));
    String a = "0x" + "Ab".repeat(20);
    JsonObject withEnv = EnvOverrides.apply(all, Map.of("SWITCHBOARD_WALLET_FUND", a + "=5, 0x" + "01".repeat(20) + "=7"));
    WalletConfig c = read(withEnv.getJsonObject("wallet"));
    assertThat(c.ledger().grants()).hasSize(2);
    LedgerConfig.Grant first = c.ledger().grants().get(0);
    assertThat(first.address()).isEqualTo(a.toLowerCase());
    assertThat(first.amount()).isEqualTo(BigInteger.valueOf(5));
    assertThat(first.tokens()).hasSize(3);
  }

  /** Verifies that bad values stop start-up with the full key named. */
  @Test
  void badValuesNameTheirKey() {
    record Case(JsonObject section, String key) {
    }
    JsonArray badToken = new JsonArray().add(new JsonObject().put("symbol", "X").put("domainSeparator", "0x12"));
    JsonArray dupToken = new JsonArray().add(new JsonObject().put("symbol", "X")).add(new JsonObject().put("symbol", "X"));
    for (Case c : List.of(
        new Case(new JsonObject().put("chainId", "1"), "wallet.chainId"),
        new Case(new JsonObject().put("verifyingContract", "0x12"), "wallet.verifyingContract"),
        new Case(new JsonObject().put("deadlineHorizonSeconds", 1), "wallet.deadlineHorizonSeconds"),
        new Case(new JsonObject().put("tokens", badToken), "wallet.tokens[0].domainSeparator"),
        new Case(new JsonObject().put("tokens", dupToken), "wallet.tokens[1].symbol"),
        new Case(new JsonObject().put("ledger", new JsonObject().put("fund", "0x12=5")), "wallet.ledger.fund"),
        new Case(new JsonObject().put("ledger", new JsonObject().put("fund", "0x" + "01".repeat(20) + "=-5")),
            "wallet.ledger.fund"),
        new Case(new JsonObject().put("ledger", new JsonObject().put("grants", new JsonArray().add(new JsonObject()
            .put("address", "0x" + "01".repeat(20)).put("amount", "5").put("tokens", new JsonArray().add("NOPE"))))),
            "wallet.ledger.grants[0].tokens"))) {
      assertThatThrownBy(() -> read(c.section())).as(c.key()).isInstanceOf(ConfigException.class)
          .hasMessageContaining(c.key());
    }
  }
}
