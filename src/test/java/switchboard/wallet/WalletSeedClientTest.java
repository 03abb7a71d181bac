package switchboard.wallet;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Keccak;
import switchboard.wallet.impl.Uint256;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Verifies the gateway against a client written from the "Connect and Authenticate" reference alone: the
 * domain {name, version, chainId} and the WebSocket URL from the Basic Data Service, the reference's
 * {@code GatewayMessage} types, {@code payloadHash = keccak256(JSON.stringify(payload))}, the envelope
 * {@code {type, callerAddress, deadline, payload, signature:{hash, v, r, s}}} with {@code v} normalised to
 * 27/28, and {@code handleMessage} reading {@code msg.type}, {@code msg.payload.balances},
 * {@code msg.payload.errorCode} and {@code msg.payload.message}. The digest is computed here from the
 * reference's type strings, not with the server's code.
 */
class WalletSeedClientTest {

  private static final byte[] DOMAIN_TYPE_HASH = Keccak.hash("EIP712Domain(string name,string version,uint256 chainId)");
  private static final byte[] MESSAGE_TYPE_HASH =
      Keccak.hash("GatewayMessage(string type,address callerAddress,uint256 deadline,bytes32 payloadHash)");

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private int port;
  private TestWallet signer;
  private JsonObject basicData;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    signer = new TestWallet(WalletFixture.DOMAIN);
    WalletConfig config = WalletFixture.config(dataDir, json -> json.put("ledger",
        json.getJsonObject("ledger").put("fund", signer.address() + "=1000")));
    port = WalletFixture.deploy(TestPlatform.single(vertx), config);
    basicData = WalletFixture.get(vertx, port, "/basic-data");
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  /** buildSignedMessage(signer, type, payload) of the reference, with the deadline given. */
  private String buildSignedMessage(String type, JsonObject payload, long deadline) {
    JsonObject domain = basicData.getJsonObject("domain");
    byte[] domainSeparator = Keccak.hash(DOMAIN_TYPE_HASH, Keccak.hash(domain.getString("name")),
        Keccak.hash(domain.getString("version")), Uint256.word(BigInteger.valueOf(domain.getLong("chainId"))));
    // JSON.stringify(payload): Vert.x writes members in insertion order without spaces, as JSON.stringify does.
    String payloadText = payload.encode();
    byte[] payloadHash = Keccak.hash(payloadText.getBytes(StandardCharsets.UTF_8));
    byte[] structHash = Keccak.hash(MESSAGE_TYPE_HASH, Keccak.hash(type), Uint256.addressWord(signer.address),
        Uint256.word(BigInteger.valueOf(deadline)), payloadHash);
    byte[] hash = Keccak.hash(new byte[] {0x19, 0x01}, domainSeparator, structHash);
    Object[] sig = signer.sign(hash);
    int v = (int) sig[2];
    return new JsonObject()
        .put("type", type)
        .put("callerAddress", signer.address())
        .put("deadline", deadline)
        .put("payload", payload)
        .put("signature", new JsonObject().put("hash", Hex.encode(hash)).put("v", v < 27 ? v + 27 : v)
            .put("r", Hex.encode(Uint256.word((BigInteger) sig[0]))).put("s", Hex.encode(Uint256.word((BigInteger) sig[1]))))
        .encode();
  }

  private static long fiveMinutesFromNow() {
    return System.currentTimeMillis() / 1000 + 300;
  }

  /** sendGetBalance(ws, signer, domainSeparators): a fresh requestId and the separators of /basic-data. */
  private JsonObject getBalancePayload() {
    JsonArray domainSeparators = new JsonArray();
    basicData.getJsonArray("tokens").forEach(t -> domainSeparators.add(((JsonObject) t).getString("domainSeparator")));
    return new JsonObject().put("requestId", UUID.randomUUID().toString()).put("domainSeparators", domainSeparators);
  }

  private WsTestClient open() {
    String url = basicData.getString("webSocketUrl");
    assertThat(url).isEqualTo("ws://127.0.0.1:" + port + "/ws");
    return await(WsTestClient.connect(vertx, port, url.substring(url.indexOf("/ws"))));
  }

  private static JsonObject answerTo(WsTestClient ws, JsonObject payload) {
    String requestId = payload.getString("requestId");
    return await(ws.next(m -> m.getJsonObject("payload") != null
        && requestId.equals(m.getJsonObject("payload").getString("requestId"))));
  }

  /** Verifies steps 1-5: the first signed GET_BALANCE authenticates and answers BALANCE_RESULT with balances. */
  @Test
  void firstSignedMessageGetsBalances() {
    WsTestClient ws = open();
    JsonObject payload = getBalancePayload();
    ws.send(buildSignedMessage("GET_BALANCE", payload, fiveMinutesFromNow()));
    JsonObject msg = answerTo(ws, payload);
    assertThat(msg.getString("type")).isEqualTo("BALANCE_RESULT");
    JsonArray balances = msg.getJsonObject("payload").getJsonArray("balances");
    assertThat(balances).hasSize(basicData.getJsonArray("tokens").size());
    assertThat(balances).allSatisfy(b -> assertThat(((JsonObject) b).getString("balance")).isEqualTo("1000"));
    // AND after a reconnect, re-sending SUBSCRIBE_BALANCE / SUBSCRIBE_TRANSFERS is answered for its requestId
    await(ws.close());
    WsTestClient again = open();
    for (String type : new String[] {"SUBSCRIBE_BALANCE", "SUBSCRIBE_TRANSFERS"}) {
      JsonObject subscribe = getBalancePayload();
      again.send(buildSignedMessage(type, subscribe, fiveMinutesFromNow()));
      assertThat(answerTo(again, subscribe).getString("type")).isNotEqualTo("ERROR");
    }
  }

  /** Verifies the reference's "Common Mistakes" table, each read as handleMessage reads an ERROR. */
  @Test
  void commonMistakesGetTheReferenceErrors() {
    WsTestClient ws = open();
    // Deadline set in the past → EXPIRED_DEADLINE error
    JsonObject late = getBalancePayload();
    ws.send(buildSignedMessage("GET_BALANCE", late, System.currentTimeMillis() / 1000 - 10));
    JsonObject expired = answerTo(ws, late);
    assertThat(expired.getString("type")).isEqualTo("ERROR");
    assertThat(expired.getJsonObject("payload").getString("errorCode")).isEqualTo("EXPIRED_DEADLINE");
    assertThat(expired.getJsonObject("payload").getString("message")).isNotBlank();
    // Wrong v value → INVALID_SIGNATURE error, whatever the wrong value is
    for (Object wrongV : new Object[] {29, 2, 26, 100, "0x1b"}) {
      JsonObject payload = getBalancePayload();
      JsonObject message = new JsonObject(buildSignedMessage("GET_BALANCE", payload, fiveMinutesFromNow()));
      message.getJsonObject("signature").put("v", wrongV);
      ws.send(message.encode());
      JsonObject refused = answerTo(ws, payload);
      assertThat(refused.getString("type")).isEqualTo("ERROR");
      assertThat(refused.getJsonObject("payload").getString("errorCode")).as("v = " + wrongV).isEqualTo("INVALID_SIGNATURE");
    }
    // Reusing a signed message → rejected
    JsonObject payload = getBalancePayload();
    String message = buildSignedMessage("GET_BALANCE", payload, fiveMinutesFromNow());
    ws.send(message);
    assertThat(answerTo(ws, payload).getString("type")).isEqualTo("BALANCE_RESULT");
    ws.send(message);
    JsonObject reused = answerTo(ws, payload);
    assertThat(reused.getString("type")).isEqualTo("ERROR");
    assertThat(reused.getJsonObject("payload").getString("errorCode")).isEqualTo("REPLAYED");
  }
}
