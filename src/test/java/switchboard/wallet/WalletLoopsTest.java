package switchboard.wallet;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import switchboard.platform.Platform;
import switchboard.testing.LoopThreads;
import switchboard.testing.TestPlatform;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;
import static switchboard.wallet.WalletFixture.call;
import static switchboard.wallet.WalletFixture.connect;
import static switchboard.wallet.WalletFixture.push;
import static switchboard.wallet.WalletFixture.requestId;

/**
 * Verifies the wallet gateway with four instances, one per event loop: a ledger push reaches subscribers on
 * every loop. Which loop serves a connection is read from the thread that checks its signed message's
 * deadline against the gateway's clock.
 */
@ExtendWith(VertxExtension.class)
class WalletLoopsTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private final LoopThreads loops = new LoopThreads();
  private final TestWallet alice = new TestWallet(WalletFixture.DOMAIN);
  private final TestWallet bob = new TestWallet(WalletFixture.DOMAIN);

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Verifies that a transfer's pushes reach the recipient's subscribed connections on every loop. */
  @Test
  void pushReachesSubscribersOnEveryLoop() {
    // GIVEN a gateway with four loops, and eight connections of Bob subscribed to USDC balances and transfers
    Platform platform = TestPlatform.single(vertx);
    WalletConfig config = WalletFixture.config(dataDir, json -> json.put("instances", 4)
        .put("ledger", json.getJsonObject("ledger").put("fund", alice.address() + "=1000")));
    int port = await(new WalletDefinition().deploy(platform, config, loops)).port();
    String usdc = config.tokens().get(0).domainSeparator();
    List<WsTestClient> subscribed = new ArrayList<>();
    Set<String> servedOn = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      WsTestClient c = connect(vertx, port);
      loops.drain();
      assertThat(call(c, bob, "SUBSCRIBE_BALANCE", requestId(), usdc).getString("type")).isEqualTo("SUBSCRIBED");
      List<String> threads = loops.drain();
      assertThat(threads).isNotEmpty();
      servedOn.addAll(threads);
      assertThat(call(c, bob, "SUBSCRIBE_TRANSFERS", requestId(), usdc).getString("type")).isEqualTo("SUBSCRIBED");
      subscribed.add(c);
    }
    assertThat(servedOn).as("connections spread over the loops").hasSizeGreaterThanOrEqualTo(2);

    // WHEN a service moves 250 USDC from Alice to Bob
    JsonObject resp = WalletFixture.transfer(vertx, port, WalletFixture.serviceToken(vertx),
        alice.transfer(bob.address(), "250", usdc));
    assertThat(resp.getInteger("status")).as(resp.encode()).isEqualTo(200);

    // THEN every one of Bob's connections, whatever its loop, gets the TRANSFER and the new balance
    String txHash = resp.getJsonObject("body").getString("txHash");
    for (WsTestClient c : subscribed) {
      assertThat(push(c, "TRANSFER")).isEqualTo(new JsonObject().put("from", alice.address())
          .put("to", bob.address()).put("amount", "250").put("domainSeparator", usdc).put("txHash", txHash));
      assertThat(push(c, "BALANCE_UPDATE")).isEqualTo(new JsonObject().put("address", bob.address())
          .put("domainSeparator", usdc).put("balance", "250"));
    }
  }
}
