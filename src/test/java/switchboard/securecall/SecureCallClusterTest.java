package switchboard.securecall;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import switchboard.platform.Platform;
import switchboard.testing.TestCluster;
import switchboard.testing.WsTestClient;

import java.nio.file.Path;
import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.securecall.SecureCallFixture.establish;
import static switchboard.securecall.SecureCallFixture.expect;
import static switchboard.securecall.SecureCallFixture.expectError;
import static switchboard.securecall.SecureCallFixture.frame;
import static switchboard.testing.Await.await;

/** Verifies SecureCall across a real 2-node Hazelcast cluster: parties and keys on different nodes. */
class SecureCallClusterTest {

  @TempDir
  Path dataDir;
  private TestCluster cluster;
  private SecureCallVerticle a;
  private SecureCallVerticle b;

  @BeforeEach
  void setUp() {
    cluster = TestCluster.start(2);
    a = SecureCallFixture.deploy(cluster.platform(0), SecureCallFixture.config(dataDir.resolve("a"), new JsonObject()));
    b = SecureCallFixture.deploy(cluster.platform(1), SecureCallFixture.config(dataDir.resolve("b"), new JsonObject()));
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  private WsTestClient register(int node, String clientId) {
    Platform platform = cluster.platform(node);
    return SecureCallFixture.registered(platform, node == 0 ? a : b, clientId);
  }

  /**
   * Verifies that a call between a caller on node A and a callee on node B completes, that keys and ids are
   * cluster-wide, and that both survive node A leaving.
   */
  @Test
  void callKeysAndIdsWorkAcrossNodes() {
    // GIVEN alice on node A and bob on node B
    WsTestClient alice = register(0, "alice");
    WsTestClient bob = register(1, "bob");
    // WHEN they go through a full call
    String callId = establish(alice, bob, "bob");
    for (int i = 0; i < 4; i++) {
      alice.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", "a-" + i)));
      bob.send(frame("ICE_CANDIDATE", new JsonObject().put("callId", callId).put("candidate", "b-" + i)));
    }
    // THEN the candidates arrive in order on the other node, and the hang-up too
    for (int i = 0; i < 4; i++) {
      assertThat(expect(bob, "ICE_CANDIDATE").getString("candidate")).isEqualTo("a-" + i);
      assertThat(expect(alice, "ICE_CANDIDATE").getString("candidate")).isEqualTo("b-" + i);
    }
    bob.send(frame("CALL_END", new JsonObject().put("callId", callId)));
    assertThat(expect(alice, "CALL_ENDED").getString("callId")).isEqualTo(callId);
    // AND a clientId live on A cannot be taken on B
    WsTestClient impostor = SecureCallFixture.connect(cluster.platform(1), b);
    impostor.send(frame("REGISTER", new JsonObject().put("clientId", "alice")));
    expectError(impostor, "CLIENT_ID_TAKEN");
    // AND a key registered on A is found from B
    alice.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", "ALICE-KEY")));
    expect(alice, "PKD_RESULT");
    bob.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", "alice")));
    assertThat(expect(bob, "PKD_RESULT").getString("publicKey")).isEqualTo("ALICE-KEY");
    // WHEN a new call is up and node A stops
    WsTestClient carol = register(1, "carol");
    String second = establish(carol, alice, "alice");
    cluster.stop(0);
    // THEN carol's call ends, alice's key is still found from B, and alice may register on B
    assertThat(expect(carol, "CALL_ENDED").getString("callId")).isEqualTo(second);
    bob.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", "alice")));
    assertThat(expect(bob, "PKD_RESULT").getString("publicKey")).isEqualTo("ALICE-KEY");
    impostor.send(frame("REGISTER", new JsonObject().put("clientId", "alice")));
    assertThat(expect(impostor, "REGISTERED").getString("clientId")).isEqualTo("alice");
  }

  /** Verifies that a callee on node B rejecting, and a caller on A disconnecting, reach the other node. */
  @Test
  void rejectAndDisconnectReachTheOtherNode() {
    WsTestClient alice = register(0, "alice");
    WsTestClient bob = register(1, "bob");
    alice.send(frame("CALL_INITIATE", new JsonObject().put("targetId", "bob").put("sdpOffer", "o")));
    String callId = expect(bob, "INCOMING_CALL").getString("callId");
    expect(alice, "CALL_INITIATED");
    bob.send(frame("CALL_REJECT", new JsonObject().put("callId", callId)));
    assertThat(expect(alice, "CALL_REJECTED").getString("callId")).isEqualTo(callId);
    String next = establish(bob, alice, "alice");
    alice.close();
    JsonObject ended = expect(bob, "CALL_ENDED");
    assertThat(ended).isEqualTo(new JsonObject().put("callId", next).put("reason", "disconnected"));
  }

  /** Verifies that after the whole cluster restarts on the same data directories, the newest key of each client is served. */
  @Test
  void keysSurviveAFullClusterRestartNewestWins() throws Exception {
    // GIVEN alice registered a key through A, then (proving the old one) a newer one through B; dave one through A
    KeyPair oldKey = SecureCallFixture.p256();
    String newKey = SecureCallFixture.spki(SecureCallFixture.p256());
    WsTestClient alice = register(0, "alice");
    alice.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", SecureCallFixture.spki(oldKey))));
    expect(alice, "PKD_RESULT");
    WsTestClient dave = register(0, "dave");
    dave.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "dave").put("publicKey", "DAVE")));
    expect(dave, "PKD_RESULT");
    await(alice.close());
    WsTestClient aliceOnB = SecureCallFixture.connect(cluster.platform(1), b);
    await(registers(aliceOnB, "alice"));
    aliceOnB.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", newKey)));
    String nonce = expect(aliceOnB, "PKD_CHALLENGE").getString("nonce");
    aliceOnB.send(frame("PKD_REGISTER", new JsonObject().put("clientId", "alice").put("publicKey", newKey)
        .put("signature", SecureCallFixture.sign(oldKey, nonce, true))));
    expect(aliceOnB, "PKD_RESULT");
    // WHEN every node stops and a new cluster starts on the same data directories
    cluster.close();
    setUp();
    // THEN both keys are found from either node, alice's newest one
    WsTestClient bob = register(0, "bob");
    bob.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", "alice")));
    assertThat(expect(bob, "PKD_RESULT").getString("publicKey")).isEqualTo(newKey);
    WsTestClient carol = register(1, "carol");
    carol.send(frame("PKD_LOOKUP", new JsonObject().put("clientId", "dave")));
    assertThat(expect(carol, "PKD_RESULT").getString("publicKey")).isEqualTo("DAVE");
  }

  /** Verifies that when a node crashes (leaves without closing its sockets), the other party's call ends. */
  @Test
  void crashedNodeEndsItsCallsForTheSurvivors() {
    // GIVEN a call between alice on A and bob on B
    WsTestClient alice = register(0, "alice");
    WsTestClient bob = register(1, "bob");
    String callId = establish(alice, bob, "bob");
    // (a fresh cluster copies backups in the background; a crash before that loses entries, not the point here)
    await(replicasInSync(0));
    // WHEN node A's cluster member dies abruptly
    hazelcast(0).getLifecycleService().terminate();
    // THEN node B ends the call for bob and frees alice's id
    assertThat(expect(bob, "CALL_ENDED")).isEqualTo(new JsonObject().put("callId", callId).put("reason", "disconnected"));
    // (the session directory drops the dead node's entries on its own schedule: retry until it has)
    WsTestClient again = SecureCallFixture.connect(cluster.platform(1), b);
    await(registers(again, "alice"));
  }

  /** Sends REGISTER until it is answered REGISTERED rather than CLIENT_ID_TAKEN. */
  private Future<Void> registers(WsTestClient client, String clientId) {
    client.send(frame("REGISTER", new JsonObject().put("clientId", clientId)));
    return client.next().compose(reply -> {
      if (reply.getString("type").equals("REGISTERED")) {
        return Future.succeededFuture();
      }
      assertThat(reply.getJsonObject("payload").getString("code")).isEqualTo("CLIENT_ID_TAKEN");
      return cluster.vertx(1).timer(50).compose(t -> registers(client, clientId));
    });
  }

  private HazelcastInstance hazelcast(int node) {
    return ((HazelcastClusterManager) ((VertxInternal) cluster.vertx(node)).clusterManager()).getHazelcastInstance();
  }

  /** Completes once every partition of the cluster has its backup in place. */
  private Future<Void> replicasInSync(int node) {
    return hazelcast(node).getPartitionService().isClusterSafe() ? Future.succeededFuture()
        : cluster.vertx(node).timer(50).compose(t -> replicasInSync(node));
  }
}
