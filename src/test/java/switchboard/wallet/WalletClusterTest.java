package switchboard.wallet;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.bus.Addresses;
import switchboard.testing.TestCluster;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static switchboard.testing.Await.await;
import static switchboard.wallet.WalletFixture.call;
import static switchboard.wallet.WalletFixture.deadline;
import static switchboard.wallet.WalletFixture.payload;
import static switchboard.wallet.WalletFixture.push;
import static switchboard.wallet.WalletFixture.reply;
import static switchboard.wallet.WalletFixture.requestId;

/** Verifies the wallet gateway across a real two-node Hazelcast cluster: ledger, pushes and replay cache. */
class WalletClusterTest {

  @TempDir
  Path dataDir;
  private TestCluster cluster;

  @BeforeEach
  void setUp() {
    cluster = TestCluster.start(2);
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  /** Verifies that a transfer made on node B reaches a subscriber on node A, and replays are refused cluster-wide. */
  @Test
  void transferOnBReachesSubscriberOnA() {
    // GIVEN node A with a gateway only and node B with a gateway and the dev ledger, Alice funded
    TestWallet alice = new TestWallet(WalletFixture.DOMAIN);
    TestWallet bob = new TestWallet(WalletFixture.DOMAIN);
    WalletConfig onA = WalletFixture.config(dataDir, json -> json.put("ledger",
        json.getJsonObject("ledger").put("enabled", false)));
    WalletConfig onB = WalletFixture.config(dataDir, json -> json.put("ledger",
        json.getJsonObject("ledger").put("fund", alice.address() + "=100")));
    int portA = WalletFixture.deploy(cluster.platform(0), onA);
    int portB = WalletFixture.deploy(cluster.platform(1), onB);
    String usdc = onA.tokens().get(0).domainSeparator();
    // AND Bob subscribed on A, his balance read through A from the ledger on B
    WsTestClient b = WalletFixture.connect(cluster.vertx(0), portA);
    assertThat(call(b, bob, "SUBSCRIBE_TRANSFERS", requestId(), usdc).getString("type")).isEqualTo("SUBSCRIBED");
    assertThat(call(b, bob, "SUBSCRIBE_BALANCE", requestId(), usdc).getString("type")).isEqualTo("SUBSCRIBED");
    assertThat(call(b, bob, "GET_BALANCE", requestId(), usdc).getString("type")).isEqualTo("BALANCE_RESULT");
    // WHEN a service transfers 30 USDC from Alice to Bob through node B's REST API
    JsonObject resp = WalletFixture.transfer(cluster.vertx(1), portB, WalletFixture.serviceToken(cluster.vertx(1)),
        alice.transfer(bob.address(), "30", usdc));
    assertThat(resp.getInteger("status")).as(resp.encode()).isEqualTo(200);
    // THEN Bob's connection on node A gets the TRANSFER and his new balance
    assertThat(push(b, "TRANSFER").getString("txHash")).isEqualTo(resp.getJsonObject("body").getString("txHash"));
    assertThat(push(b, "BALANCE_UPDATE").getString("balance")).isEqualTo("30");
    // AND a message accepted on node A is REPLAYED on node B
    WsTestClient a1 = WalletFixture.connect(cluster.vertx(0), portA);
    WsTestClient a2 = WalletFixture.connect(cluster.vertx(1), portB);
    String id = requestId();
    String envelope = alice.envelope("GET_BALANCE", deadline(), payload(id, usdc));
    a1.send(envelope);
    assertThat(reply(a1, id).getJsonObject("payload").getJsonArray("balances").getJsonObject(0).getString("balance"))
        .isEqualTo("70");
    a2.send(envelope);
    assertThat(reply(a2, id).getJsonObject("payload").getString("errorCode")).isEqualTo("REPLAYED");
  }

  /**
   * Verifies that a second dev ledger in the cluster refuses to start, naming the node that runs the first,
   * and that the claim is released when that node leaves.
   */
  @Test
  void secondLedgerRefusesNamingTheHolder() {
    // GIVEN the dev ledger running on node A
    WalletConfig config = WalletFixture.config(dataDir, json -> json);
    await(cluster.vertx(0).deployVerticle(ledger(config, 0), worker()));
    // WHEN node B starts one too THEN it fails, naming node A
    String holder = cluster.platform(0).nodeId();
    assertThatThrownBy(() -> await(cluster.vertx(1).deployVerticle(ledger(config, 1), worker())))
        .hasMessageContaining("already runs").hasMessageContaining(holder);
    // WHEN node A leaves THEN node B's ledger starts, and serves balances
    Promise<String> left = Promise.promise();
    cluster.vertx(1).runOnContext(v -> cluster.platform(1).cluster().onNodeLeft(left::tryComplete));
    cluster.stop(0);
    assertThat(await(left.future())).isEqualTo(holder);
    await(cluster.vertx(1).deployVerticle(ledger(config, 1), worker()));
    JsonObject balances = await(cluster.vertx(1).eventBus().<JsonObject>request(Addresses.WALLET_LEDGER_BALANCES,
        new JsonObject().put("address", "0x" + "11".repeat(20))
            .put("domainSeparators", new JsonArray().add(config.tokens().get(0).domainSeparator())))).body();
    assertThat(balances.getJsonArray("balances").getJsonObject(0).getString("balance")).isEqualTo("0");
  }

  private DevLedgerVerticle ledger(WalletConfig config, int node) {
    LedgerConfig own = new LedgerConfig(true, dataDir.resolve("ledger-" + node), config.ledger().grants());
    return new DevLedgerVerticle(own, config.tokens(), cluster.platform(node).cluster());
  }

  private static DeploymentOptions worker() {
    return new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
  }
}
