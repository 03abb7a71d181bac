package switchboard.wallet;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import switchboard.config.ConfigReader;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Verifies that every ethers v6 envelope of the vectors, sent byte for byte over a real WebSocket to a gateway
 * configured with the case's domain and clocked at its suggestedNow, gets the expected answer.
 */
class WalletWireVectorsTest {

  private static final Map<String, String> EXPECTED_ERROR = Map.of(
      "invalid-signature", "INVALID_SIGNATURE",
      "reject-high-s", "INVALID_SIGNATURE",
      "expired-deadline", "EXPIRED_DEADLINE");
  private static final Map<String, String> ANSWER = Map.of(
      "GET_BALANCE", "BALANCE_RESULT",
      "SUBSCRIBE_BALANCE", "SUBSCRIBED",
      "SUBSCRIBE_TRANSFERS", "SUBSCRIBED",
      "UNSUBSCRIBE_BALANCE", "UNSUBSCRIBED");

  @TempDir
  Path dataDir;

  /** Verifies that each vector's envelope is answered as the vector expects. */
  @TestFactory
  Stream<DynamicTest> everyVectorOverTheWire() {
    return Eip712VectorsTest.cases().stream().map(o -> (JsonObject) o)
        .map(c -> DynamicTest.dynamicTest(c.getString("id"), () -> run(c)));
  }

  private void run(JsonObject c) {
    Vertx vertx = Vertx.vertx();
    try {
      // GIVEN a gateway with the case's domain, whose tokens include the ones the payload names
      JsonObject domain = c.getJsonObject("domain");
      JsonArray tokens = new JsonArray();
      JsonObject payload = new JsonObject(c.getString("payloadJson"));
      JsonArray named = payload.getJsonArray("domainSeparators", new JsonArray().add("0x" + "ab".repeat(32)));
      for (int i = 0; i < named.size(); i++) {
        tokens.add(new JsonObject().put("symbol", "T" + i).put("domainSeparator", named.getString(i)));
      }
      JsonObject json = new JsonObject().put("host", "127.0.0.1").put("port", 0)
          .put("chainId", domain.getLong("chainId")).put("verifyingContract", domain.getString("verifyingContract", ""))
          .put("tokens", tokens)
          .put("ledger", new JsonObject().put("enabled", true).put("dataDir", dataDir.resolve(c.getString("id")).toString()));
      WalletConfig config = WalletConfig.read(new ConfigReader(json));
      Clock clock = Clock.fixed(Instant.ofEpochSecond(c.getLong("suggestedNow")), ZoneOffset.UTC);
      int port = await(new WalletDefinition().deploy(TestPlatform.single(vertx), config, clock)).port();
      WsTestClient client = await(WsTestClient.connect(vertx, port, "/ws"));
      // WHEN the envelope text is sent unchanged
      client.send(c.getString("envelope"));
      JsonObject answer = await(client.next());
      // THEN a valid case gets its operation's answer echoing requestId, a negative one its error
      String error = EXPECTED_ERROR.get(c.getString("expect"));
      if (error == null) {
        assertThat(answer.getString("type")).as(answer.encode()).isEqualTo(ANSWER.get(c.getString("type")));
        assertThat(answer.getJsonObject("payload").getString("requestId")).isEqualTo(payload.getString("requestId"));
      } else {
        assertThat(answer.getString("type")).isEqualTo("ERROR");
        assertThat(answer.getJsonObject("payload").getString("errorCode")).isEqualTo(error);
      }
    } finally {
      await(vertx.close());
    }
  }
}
