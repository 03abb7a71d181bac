package switchboard.wallet;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.platform.Platform;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;
import switchboard.wallet.impl.Hex;
import switchboard.wallet.impl.Secp256k1;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;
import static switchboard.wallet.WalletFixture.call;
import static switchboard.wallet.WalletFixture.connect;
import static switchboard.wallet.WalletFixture.deadline;
import static switchboard.wallet.WalletFixture.payload;
import static switchboard.wallet.WalletFixture.push;
import static switchboard.wallet.WalletFixture.reply;
import static switchboard.wallet.WalletFixture.requestId;

/** Verifies the wallet gateway end to end: real server, real WebSocket clients signing with BouncyCastle. */
class WalletGatewayTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private Platform platform;
  private WalletConfig config;
  private int port;
  private String usdc;
  private String eth;
  private final TestWallet alice = new TestWallet(WalletFixture.DOMAIN);
  private final TestWallet bob = new TestWallet(WalletFixture.DOMAIN);
  private final TestWallet carol = new TestWallet(WalletFixture.DOMAIN);
  private final TestWallet mallory = new TestWallet(WalletFixture.DOMAIN);

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
    start(json -> json);
  }

  private void start(UnaryOperator<JsonObject> edit) {
    config = WalletFixture.config(dataDir, json -> edit.apply(json.put("ledger", json.getJsonObject("ledger")
        .put("fund", alice.address() + "=1000"))));
    port = WalletFixture.deploy(platform, config);
    usdc = config.tokens().get(0).domainSeparator();
    eth = config.tokens().get(1).domainSeparator();
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private JsonObject error(JsonObject frame, String code) {
    assertThat(frame.getString("type")).isEqualTo("ERROR");
    assertThat(frame.getJsonObject("payload").getString("errorCode")).as(frame.encode()).isEqualTo(code);
    return frame.getJsonObject("payload");
  }

  private JsonObject authenticate(WsTestClient client, TestWallet wallet) {
    JsonObject r = call(client, wallet, "GET_BALANCE", requestId(), usdc);
    assertThat(r.getString("type")).as(r.encode()).isEqualTo("BALANCE_RESULT");
    return r;
  }

  /** Verifies that the first valid signed message authenticates and GET_BALANCE answers the seeded balances. */
  @Test
  void firstSignedMessageAuthenticatesAndGetsBalances() {
    // GIVEN a connection and Alice, funded with 1000 on every token
    WsTestClient client = connect(vertx, port);
    String id = requestId();
    // WHEN she sends GET_BALANCE for ETH and USDC as her first message
    JsonObject r = call(client, alice, "GET_BALANCE", id, eth, usdc.toUpperCase().replace("0X", "0x"));
    // THEN the answer echoes the requestId and lists both balances in the order asked
    assertThat(r.getString("type")).isEqualTo("BALANCE_RESULT");
    assertThat(r.getJsonObject("payload").getString("requestId")).isEqualTo(id);
    assertThat(r.getJsonObject("payload").getJsonArray("balances")).containsExactly(
        new JsonObject().put("domainSeparator", eth).put("balance", "1000"),
        new JsonObject().put("domainSeparator", usdc).put("balance", "1000"));
    // AND an absent domainSeparators list means every token; Bob has nothing
    WsTestClient other = connect(vertx, port);
    String id2 = requestId();
    other.send(bob.envelope("GET_BALANCE", deadline(), new JsonObject().put("requestId", id2).encode()));
    assertThat(reply(other, id2).getJsonObject("payload").getJsonArray("balances")).hasSize(2)
        .allSatisfy(b -> assertThat(((JsonObject) b).getString("balance")).isEqualTo("0"));
  }

  /** Verifies that a REST transfer pushes TRANSFER and BALANCE_UPDATE to the subscribers of both parties. */
  @Test
  void transferPushesToBothPartiesSubscribers() {
    // GIVEN Alice and Bob subscribed to balances and transfers of USDC
    WsTestClient a = connect(vertx, port);
    WsTestClient b = connect(vertx, port);
    for (var pair : List.of(List.of(a, alice), List.of(b, bob))) {
      WsTestClient c = (WsTestClient) pair.get(0);
      TestWallet w = (TestWallet) pair.get(1);
      JsonObject s1 = call(c, w, "SUBSCRIBE_BALANCE", requestId(), usdc);
      assertThat(s1.getString("type")).isEqualTo("SUBSCRIBED");
      assertThat(s1.getJsonObject("payload").getString("subscription")).isEqualTo("BALANCE");
      assertThat(call(c, w, "SUBSCRIBE_TRANSFERS", requestId(), usdc).getString("type")).isEqualTo("SUBSCRIBED");
    }
    // WHEN a service moves 250 USDC from Alice to Bob over REST
    JsonObject resp = WalletFixture.transfer(vertx, port, WalletFixture.serviceToken(vertx), alice.transfer(bob.address(), "250", usdc));
    // THEN it succeeds with a txHash, and both see the TRANSFER and their new balance
    assertThat(resp.getInteger("status")).as(resp.encode()).isEqualTo(200);
    String txHash = resp.getJsonObject("body").getString("txHash");
    assertThat(Hex.decode(txHash, 32)).isNotNull();
    JsonObject expected = new JsonObject().put("from", alice.address()).put("to", bob.address())
        .put("amount", "250").put("domainSeparator", usdc).put("txHash", txHash);
    assertThat(push(a, "TRANSFER")).isEqualTo(expected);
    assertThat(push(b, "TRANSFER")).isEqualTo(expected);
    assertThat(push(a, "BALANCE_UPDATE")).isEqualTo(new JsonObject().put("address", alice.address())
        .put("domainSeparator", usdc).put("balance", "750"));
    assertThat(push(b, "BALANCE_UPDATE")).isEqualTo(new JsonObject().put("address", bob.address())
        .put("domainSeparator", usdc).put("balance", "250"));
    // AND after Bob unsubscribes from transfers, the next transfer reaches only his balance subscription
    assertThat(call(b, bob, "UNSUBSCRIBE_TRANSFERS", requestId(), usdc).getString("type")).isEqualTo("UNSUBSCRIBED");
    WalletFixture.transfer(vertx, port, WalletFixture.serviceToken(vertx), alice.transfer(bob.address(), "1", usdc));
    assertThat(push(b, "BALANCE_UPDATE").getString("balance")).isEqualTo("251");
    // (a GET_BALANCE round trip: any TRANSFER push for that transfer would have been written before its answer)
    call(b, bob, "GET_BALANCE", requestId(), usdc);
    assertThat(b.pending()).noneMatch(t -> t.contains("\"TRANSFER\""));
    // AND an ETH transfer is not pushed to USDC-only subscribers
    WalletFixture.transfer(vertx, port, WalletFixture.serviceToken(vertx), alice.transfer(bob.address(), "1", eth));
    String id = requestId();
    call(a, alice, "GET_BALANCE", id, eth);
    assertThat(a.pending()).noneMatch(t -> t.contains(eth));
  }

  /** Verifies that overdrafts, bad bodies and missing or weak tokens are refused by the transfer API. */
  @Test
  void transferApiRefusesOverdraftAndBadRequests() {
    String token = WalletFixture.serviceToken(vertx);
    JsonObject body = alice.transfer(bob.address(), "1001", usdc);
    // overdraft
    assertThat(WalletFixture.transfer(vertx, port, token, body).getInteger("status")).isEqualTo(409);
    // bad amounts, unknown token, same party, no signature
    JsonObject unsigned = body.copy();
    unsigned.remove("signature");
    for (JsonObject bad : List.of(body.copy().put("amount", "-1"), body.copy().put("amount", "1e3"),
        body.copy().put("amount", 5), body.copy().put("amount", "0"),
        body.copy().put("amount", "1" + "0".repeat(80)), alice.transfer(bob.address(), "1", "0x" + "ab".repeat(32)),
        alice.transfer(alice.address(), "1", usdc), body.copy().put("from", "0x1234"), body.copy().put("deadline", "soon"),
        unsigned)) {
      assertThat(WalletFixture.transfer(vertx, port, token, bad).getInteger("status")).as(bad.encode()).isEqualTo(400);
    }
    // auth
    JsonObject fresh = alice.transfer(bob.address(), "1", usdc);
    assertThat(WalletFixture.transfer(vertx, port, null, fresh).getInteger("status")).isEqualTo(401);
    String userToken = switchboard.testing.TestPlatform.minter(vertx).mint("someone", List.of("user"), 60);
    assertThat(WalletFixture.transfer(vertx, port, userToken, fresh).getInteger("status")).isEqualTo(403);
    // THEN nothing moved
    WsTestClient client = connect(vertx, port);
    assertThat(authenticate(client, alice).getJsonObject("payload").getJsonArray("balances").getJsonObject(0)
        .getString("balance")).isEqualTo("1000");
  }

  /**
   * Verifies that a REST transfer moves funds only with an EIP-712 Transfer signed by {@code from}: another
   * signer, a changed field, a bad v and an expired deadline are refused, and a signed transfer works once.
   */
  @Test
  void transferNeedsTheSignatureOfFrom() {
    String token = WalletFixture.serviceToken(vertx);
    long deadline = deadline();
    // WHEN Bob signs a transfer of Alice's funds to himself THEN 403 INVALID_SIGNATURE
    JsonObject forged = bob.transfer(alice.address(), bob.address(), "10", usdc, deadline);
    JsonObject refused = WalletFixture.transfer(vertx, port, token, forged);
    assertThat(refused.getInteger("status")).isEqualTo(403);
    assertThat(refused.getJsonObject("body").getString("errorCode")).isEqualTo("INVALID_SIGNATURE");
    // AND Alice's signature does not carry over to another amount, recipient or v
    JsonObject signed = alice.transfer(alice.address(), bob.address(), "10", usdc, deadline);
    JsonObject sig = signed.getJsonObject("signature");
    for (JsonObject changed : List.of(signed.copy().put("amount", "11"), signed.copy().put("to", carol.address()),
        signed.copy().put("deadline", deadline + 1), signed.copy().put("signature", sig.copy().put("v", 29)),
        signed.copy().put("signature", sig.copy().put("v", 55 - sig.getInteger("v"))))) {
      JsonObject r = WalletFixture.transfer(vertx, port, token, changed);
      assertThat(r.getInteger("status")).as(changed.encode()).isEqualTo(403);
      assertThat(r.getJsonObject("body").getString("errorCode")).isEqualTo("INVALID_SIGNATURE");
    }
    // AND an expired one is 400 EXPIRED_DEADLINE
    JsonObject expired = WalletFixture.transfer(vertx, port, token,
        alice.transfer(alice.address(), bob.address(), "10", usdc, System.currentTimeMillis() / 1000 - 1));
    assertThat(expired.getJsonObject("body").getString("errorCode")).isEqualTo("EXPIRED_DEADLINE");
    // WHEN Alice's own signed transfer is sent THEN it moves the funds, once
    JsonObject done = WalletFixture.transfer(vertx, port, token, signed);
    assertThat(done.getInteger("status")).as(done.encode()).isEqualTo(200);
    assertThat(done.getJsonObject("body").getJsonObject("balances").getString("from")).isEqualTo("990");
    JsonObject replayed = WalletFixture.transfer(vertx, port, token, signed);
    assertThat(replayed.getInteger("status")).isEqualTo(409);
    assertThat(replayed.getJsonObject("body").getString("errorCode")).isEqualTo("REPLAYED");
  }

  /** Verifies that a message signed by another key than callerAddress is INVALID_SIGNATURE and does not authenticate. */
  @Test
  void wrongSignerIsRefused() {
    WsTestClient client = connect(vertx, port);
    String id = requestId();
    client.send(mallory.envelope("GET_BALANCE", alice.address(), deadline(), payload(id, usdc)));
    assertThat(error(reply(client, id), "INVALID_SIGNATURE").getString("message")).contains("callerAddress");
  }

  /** Verifies that a payload changed after signing is INVALID_SIGNATURE. */
  @Test
  void tamperedPayloadIsRefused() {
    WsTestClient client = connect(vertx, port);
    String id = requestId();
    String envelope = alice.envelope("GET_BALANCE", deadline(), payload(id, usdc));
    client.send(envelope.replace(usdc, eth));
    error(reply(client, id), "INVALID_SIGNATURE");
    // a digest that is right for the content but not what was signed is refused too
    byte[] digest = alice.digest("GET_BALANCE", alice.address, deadline(), payload(id, eth));
    Object[] sig = mallory.sign(digest);
    client.send(TestWallet.envelope("GET_BALANCE", alice.address(), deadline(), payload(id, eth), digest,
        (BigInteger) sig[0], (BigInteger) sig[1], (int) sig[2]));
    error(reply(client, id), "INVALID_SIGNATURE");
  }

  /** Verifies that the high-s twin of a valid signature is refused (EIP-2) and v 0/1 is accepted. */
  @Test
  void highSIsRefusedAndParityVAccepted() {
    WsTestClient client = connect(vertx, port);
    long deadline = deadline();
    String id = requestId();
    String p = payload(id, usdc);
    byte[] digest = alice.digest("GET_BALANCE", alice.address, deadline, p);
    Object[] sig = alice.sign(digest);
    BigInteger highS = Secp256k1.N.subtract((BigInteger) sig[1]);
    int flipped = (int) sig[2] == 27 ? 28 : 27;
    client.send(TestWallet.envelope("GET_BALANCE", alice.address(), deadline, p, digest, (BigInteger) sig[0], highS, flipped));
    assertThat(error(reply(client, id), "INVALID_SIGNATURE").getString("message")).contains("n/2");
    client.send(TestWallet.envelope("GET_BALANCE", alice.address(), deadline, p, digest, (BigInteger) sig[0],
        (BigInteger) sig[1], (int) sig[2] - 27));
    assertThat(reply(client, id).getString("type")).isEqualTo("BALANCE_RESULT");
  }

  /** Verifies that past deadlines are EXPIRED_DEADLINE and deadlines beyond the horizon DEADLINE_TOO_FAR. */
  @Test
  void deadlinesOutsideTheWindowAreRefused() {
    WsTestClient client = connect(vertx, port);
    long now = System.currentTimeMillis() / 1000;
    String id1 = requestId();
    client.send(alice.envelope("GET_BALANCE", now - 1, payload(id1, usdc)));
    error(reply(client, id1), "EXPIRED_DEADLINE");
    String id2 = requestId();
    client.send(alice.envelope("GET_BALANCE", now + config.deadlineHorizon().toSeconds() + 60, payload(id2, usdc)));
    error(reply(client, id2), "DEADLINE_TOO_FAR");
  }

  /** Verifies that the same signed message is REPLAYED, on the same connection and on another one. */
  @Test
  void replayIsRefused() {
    WsTestClient client = connect(vertx, port);
    String id = requestId();
    String envelope = alice.envelope("GET_BALANCE", deadline(), payload(id, usdc));
    client.send(envelope);
    assertThat(reply(client, id).getString("type")).isEqualTo("BALANCE_RESULT");
    client.send(envelope);
    error(reply(client, id), "REPLAYED");
    WsTestClient other = connect(vertx, port);
    other.send(envelope);
    error(reply(other, id), "REPLAYED");
  }

  /** Verifies that once bound to Alice, a connection refuses Bob's messages with ADDRESS_MISMATCH. */
  @Test
  void addressSwitchIsRefused() {
    WsTestClient client = connect(vertx, port);
    authenticate(client, alice);
    String id = requestId();
    JsonObject r = call(client, bob, "GET_BALANCE", id, usdc);
    assertThat(error(r, "ADDRESS_MISMATCH").getString("message")).contains(alice.address());
    assertThat(call(client, alice, "GET_BALANCE", requestId(), usdc).getString("type")).isEqualTo("BALANCE_RESULT");
  }

  /** Verifies that an unknown type, malformed envelopes and bad payloads get clear errors and the connection lives on. */
  @Test
  void unknownTypeAndMalformedEnvelopesGetErrors() {
    WsTestClient client = connect(vertx, port);
    String id = requestId();
    error(call(client, alice, "WITHDRAW_ALL", id), "UNKNOWN_TYPE");
    String good = alice.envelope("GET_BALANCE", deadline(), payload(id, usdc));
    JsonObject goodJson = new JsonObject(good);
    List<String> bad = List.of(
        "{\"type\":",
        "[1,2,3]",
        "{}",
        goodJson.copy().put("type", 5).encode(),
        goodJson.copy().put("callerAddress", "0x12").encode(),
        goodJson.copy().put("deadline", "4102444800").encode(),
        goodJson.copy().put("deadline", 1.5).encode(),
        goodJson.copy().put("deadline", -5).encode(),
        goodJson.copy().put("payload", "{}").encode(),
        goodJson.copy().put("payload", new io.vertx.core.json.JsonArray()).encode(),
        withoutSignature(goodJson),
        good.replace("{\"type\":\"GET_BALANCE\"", "{\"payload\":{},\"type\":\"GET_BALANCE\""));
    for (String frame : bad) {
      client.send(frame);
      JsonObject r = await(client.next(m -> "ERROR".equals(m.getString("type"))));
      assertThat(r.getJsonObject("payload").getString("errorCode")).as(frame).isEqualTo("INVALID_MESSAGE");
    }
    // AND every malformed signature member, v outside {0, 1, 27, 28} included, is INVALID_SIGNATURE
    JsonObject sig = goodJson.getJsonObject("signature");
    List<JsonObject> badSignatures = List.of(sig.copy().put("v", 29), sig.copy().put("v", 2), sig.copy().put("v", -1),
        sig.copy().put("v", 26), sig.copy().put("v", 255), sig.copy().put("v", 283), sig.copy().put("v", "27"),
        sig.copy().put("v", 27.5), sig.copy().put("v", new java.math.BigInteger("1" + "0".repeat(40))),
        sig.copy().put("r", "0x1"), sig.copy().put("s", 5), sig.copy().put("hash", "0xzz"));
    for (JsonObject badSignature : badSignatures) {
      String frame = goodJson.copy().put("signature", badSignature).encode();
      client.send(frame);
      JsonObject r = await(client.next(m -> "ERROR".equals(m.getString("type"))));
      assertThat(r.getJsonObject("payload").getString("errorCode")).as(frame).isEqualTo("INVALID_SIGNATURE");
      assertThat(r.getJsonObject("payload").getString("requestId")).as(frame).isEqualTo(id);
    }
    // a valid signature over a payload whose domainSeparators are not tokens is INVALID_MESSAGE too
    error(call(client, alice, "GET_BALANCE", requestId(), "0x" + "11".repeat(32)), "INVALID_MESSAGE");
    error(call(client, alice, "GET_BALANCE", requestId(), "nope"), "INVALID_MESSAGE");
    // THEN the connection is still usable
    assertThat(call(client, alice, "GET_BALANCE", requestId(), usdc).getString("type")).isEqualTo("BALANCE_RESULT");
  }

  /** Verifies that huge frames close with 1009, binary frames with 1003, floods are refused, and others are unaffected. */
  @Test
  void hugeBinaryAndFloodingClientsDoNotDisturbOthers() {
    // GIVEN a bystander authenticated as Alice
    WsTestClient bystander = connect(vertx, port);
    authenticate(bystander, alice);
    // WHEN one client sends a frame over the 16 KiB limit, another a binary frame, a third floods
    WsTestClient huge = connect(vertx, port);
    huge.send("{\"type\":\"" + "x".repeat(20_000) + "\"}");
    WsTestClient binary = connect(vertx, port);
    binary.sendBinary(io.vertx.core.buffer.Buffer.buffer(new byte[] {1, 2, 3}));
    WsTestClient flood = connect(vertx, port);
    for (int i = 0; i < 200; i++) {
      flood.send("{}");
    }
    // THEN they are closed or refused with their codes
    assertThat(await(huge.closed())).isEqualTo((short) 1009);
    assertThat(await(binary.closed())).isEqualTo((short) 1003);
    assertThat(await(flood.next(m -> m.getJsonObject("payload").getString("message").contains("too many")))
        .getJsonObject("payload").getString("errorCode")).isEqualTo("INVALID_MESSAGE");
    assertThat(await(flood.closed())).isEqualTo((short) 1008);
    // AND the bystander carries on
    assertThat(call(bystander, alice, "GET_BALANCE", requestId(), usdc).getString("type")).isEqualTo("BALANCE_RESULT");
  }

  private static String withoutSignature(JsonObject json) {
    JsonObject copy = json.copy();
    copy.remove("signature");
    return copy.encode();
  }

  /** Verifies that a connection with no valid message in the auth window is closed, invalid ones not counting. */
  @Test
  void noValidMessageInTheAuthWindowCloses() {
    await(vertx.close());
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
    start(json -> json.put("ws", new JsonObject().put("authTimeoutMs", 400)));
    WsTestClient idle = connect(vertx, port);
    WsTestClient wrong = connect(vertx, port);
    WsTestClient good = connect(vertx, port);
    wrong.send(mallory.envelope("GET_BALANCE", alice.address(), deadline(), payload(requestId(), usdc)));
    authenticate(good, alice);
    assertThat(await(idle.closed())).isEqualTo((short) 4001);
    assertThat(await(wrong.closed())).isEqualTo((short) 4001);
    assertThat(call(good, alice, "GET_BALANCE", requestId(), usdc).getString("type")).isEqualTo("BALANCE_RESULT");
  }

  /** Verifies that subscriptions per connection are bounded. */
  @Test
  void subscriptionsAreBounded() {
    await(vertx.close());
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
    start(json -> json.put("maxSubscriptions", 3));
    WsTestClient client = connect(vertx, port);
    assertThat(call(client, alice, "SUBSCRIBE_BALANCE", requestId()).getString("type")).isEqualTo("SUBSCRIBED");
    error(call(client, alice, "SUBSCRIBE_TRANSFERS", requestId()), "INVALID_MESSAGE");
    assertThat(call(client, alice, "SUBSCRIBE_TRANSFERS", requestId(), eth).getString("type")).isEqualTo("SUBSCRIBED");
  }

  /** Verifies that GET_BALANCE without any ledger is LEDGER_UNAVAILABLE. */
  @Test
  void missingLedgerIsLedgerUnavailable() {
    await(vertx.close());
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
    start(json -> json.put("ledgerTimeoutMs", 200).put("ledger", json.getJsonObject("ledger").put("enabled", false)));
    WsTestClient client = connect(vertx, port);
    error(call(client, alice, "GET_BALANCE", requestId(), usdc), "LEDGER_UNAVAILABLE");
    // the failed request still authenticated the connection: subscriptions work without the ledger
    assertThat(call(client, alice, "SUBSCRIBE_BALANCE", requestId()).getString("type")).isEqualTo("SUBSCRIBED");
  }

  /** Verifies that balances survive a restart and the fund grant is not credited twice. */
  @Test
  void restartKeepsBalancesAndDoesNotCreditTwice() {
    WalletFixture.transfer(vertx, port, WalletFixture.serviceToken(vertx), alice.transfer(bob.address(), "400", usdc));
    await(vertx.close());
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
    start(json -> json);
    WsTestClient client = connect(vertx, port);
    assertThat(call(client, alice, "GET_BALANCE", requestId(), usdc, eth).getJsonObject("payload")
        .getJsonArray("balances").stream().map(o -> ((JsonObject) o).getString("balance")).toList())
        .containsExactly("600", "1000");
    WsTestClient other = connect(vertx, port);
    assertThat(call(other, bob, "GET_BALANCE", requestId(), usdc).getJsonObject("payload").getJsonArray("balances")
        .getJsonObject(0).getString("balance")).isEqualTo("400");
  }

  /** Verifies that a raised fund amount credits only the increase on restart. */
  @Test
  void raisedFundCreditsOnlyTheIncrease() {
    await(vertx.close());
    vertx = Vertx.vertx();
    platform = TestPlatform.single(vertx);
    config = WalletFixture.config(dataDir, json -> json.put("ledger", json.getJsonObject("ledger")
        .put("fund", alice.address() + "=1500")));
    port = WalletFixture.deploy(platform, config);
    WsTestClient client = connect(vertx, port);
    assertThat(call(client, alice, "GET_BALANCE", requestId(), usdc).getJsonObject("payload").getJsonArray("balances")
        .getJsonObject(0).getString("balance")).isEqualTo("1500");
  }

  /** Verifies that /basic-data publishes the WebSocket URL, the EIP-712 domain and the tokens. */
  @Test
  void basicDataPublishesDomainAndTokens() {
    JsonObject data = WalletFixture.get(vertx, port, "/basic-data");
    assertThat(data.getString("webSocketUrl")).isEqualTo("ws://127.0.0.1:" + port + "/ws");
    assertThat(data.getJsonObject("domain")).isEqualTo(new JsonObject().put("name", "WalletGateway")
        .put("version", "1").put("chainId", 31337));
    assertThat(data.getString("domainSeparator")).isEqualTo(Hex.encode(WalletFixture.DOMAIN.separator()));
    assertThat(data.getJsonArray("tokens")).containsExactly(
        new JsonObject().put("symbol", "USDC").put("decimals", 6).put("domainSeparator", usdc),
        new JsonObject().put("symbol", "ETH").put("decimals", 18).put("domainSeparator", eth));
    assertThat(usdc).isEqualTo(Hex.encode(new Eip712Domain("USDC", "1", BigInteger.valueOf(31337), null).separator()));
  }
  /**
   * Verifies that a browser dApp on another origin may read /basic-data: any origin by default, only the
   * allow-listed ones (with Vary: Origin) when wallet.allowedOrigins is set.
   */
  @Test
  void basicDataAnswersCorsForBrowserDapps() {
    // GIVEN the default gateway and one restricted to https://dapp.example
    int restricted = WalletFixture.deploy(platform, WalletFixture.config(dataDir.resolve("restricted"), json -> json
        .put("allowedOrigins", new JsonArray().add("https://dapp.example"))
        .put("ledger", json.getJsonObject("ledger").put("enabled", false))));

    // WHEN a page fetches /basic-data THEN the browser may hand the answer to the page where allowed
    assertThat(basicDataHeaders(port, "https://any.example").get("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(basicDataHeaders(port, null).get("Access-Control-Allow-Origin")).isNull();
    MultiMap allowed = basicDataHeaders(restricted, "https://dapp.example");
    assertThat(allowed.get("Access-Control-Allow-Origin")).isEqualTo("https://dapp.example");
    assertThat(allowed.get("Vary")).isEqualTo("Origin");
    MultiMap other = basicDataHeaders(restricted, "https://evil.example");
    assertThat(other.get("Access-Control-Allow-Origin")).isNull();
    assertThat(other.get("Vary")).isEqualTo("Origin");
  }

  private MultiMap basicDataHeaders(int port, String origin) {
    var client = vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/basic-data");
    if (origin != null) {
      options.putHeader("Origin", origin);
    }
    return await(client.request(options)
        .compose(req -> req.send().expecting(HttpResponseExpectation.SC_OK))
        .map(HttpClientResponse::headers)
        .eventually(client::close));
  }
}
