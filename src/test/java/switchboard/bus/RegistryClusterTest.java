package switchboard.bus;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.testing.TestCluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/** Verifies the cluster-wide registries and per-node routing on a real 2-node Hazelcast cluster. */
class RegistryClusterTest {

  private TestCluster cluster;

  @BeforeEach
  void setUp() {
    cluster = TestCluster.start(2);
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void entriesWrittenOnANodeAreReadOnTheOtherAndDroppedWhenItLeaves() {
    // GIVEN a session held by node A
    ClusterView a = cluster.platform(0).cluster();
    ClusterView b = cluster.platform(1).cluster();
    assertThat(a.members()).hasSize(2).contains(b.nodeId());
    SessionDirectory sessionsA = new SessionDirectory(cluster.vertx(0), a, "test.sessions");
    SessionDirectory sessionsB = new SessionDirectory(cluster.vertx(1), b, "test.sessions");
    await(sessionsA.put("alice", new JsonObject().put("user", "u1")));
    await(sessionsB.put("bob", new JsonObject().put("user", "u2")));

    // THEN node B reads them, with node A as the holder
    assertThat(await(sessionsB.nodeOf("alice"))).isEqualTo(a.nodeId());
    assertThat(await(sessionsB.putIfAbsent("alice", new JsonObject()))).isFalse();

    // WHEN node A leaves the cluster
    cluster.stop(0);

    // THEN node B's view drops A's entries and keeps its own
    await(eventually(() -> sessionsB.get("alice").map(e -> e == null)));
    assertThat(await(sessionsB.nodeOf("bob"))).isEqualTo(b.nodeId());
  }

  /**
   * Verifies that a message routed from node B reaches node A's sockets with a complete count, and that once
   * A's router consumer is gone B's answer is a partial zero, not a plain "nobody there".
   */
  @Test
  void aMessageRoutedFromOneNodeReachesTheSocketsOfTheOther() {
    // GIVEN each node delivers to its "sockets" (client messages recorded here; others answer 0)
    List<String> deliveredOnA = new CopyOnWriteArrayList<>();
    ClusterView a = cluster.platform(0).cluster();
    ClusterView b = cluster.platform(1).cluster();
    NodeRouter routerA = new NodeRouter(cluster.vertx(0), a, "test", m -> {
      if (m instanceof NodeMessage.ToClient toClient) {
        deliveredOnA.add(toClient.frame().getString("text"));
        return Future.succeededFuture(1);
      }
      return Future.succeededFuture(0);
    }, 2000);
    NodeRouter routerB = new NodeRouter(cluster.vertx(1), b, "test", m -> Future.succeededFuture(0), 2000);
    await(routerA.start());
    await(routerB.start());
    // AND B's view of the cluster's subscriptions has caught up with A's consumer (it follows asynchronously)
    NodeMessage probe = new NodeMessage.ToAll(new JsonObject());
    await(eventually(() -> routerB.deliver(a.nodeId(), probe).map(reach -> !reach.partial())));

    // WHEN node B routes a message to node A, and fans one out to all nodes
    NodeRouter.Reach reached = await(routerB.deliver(a.nodeId(),
        new NodeMessage.ToClient("alice", new JsonObject().put("text", "hi"))));
    NodeRouter.Reach total = await(routerB.deliverToAll(
        new NodeMessage.ToClient("alice", new JsonObject().put("text", "all"))));

    // THEN A delivered both, and the counts add up over the nodes, complete
    assertThat(reached).isEqualTo(new NodeRouter.Reach(1, false));
    assertThat(total).isEqualTo(new NodeRouter.Reach(1, false));
    assertThat(deliveredOnA).containsExactly("hi", "all");

    // WHEN A's router consumer goes away while A stays a member
    await(routerA.stop());
    // THEN a send to A cannot be confirmed: a partial zero, and the fan-out over both nodes is partial too
    assertThat(await(routerB.deliver(a.nodeId(), probe))).isEqualTo(new NodeRouter.Reach(0, true));
    assertThat(await(routerB.deliverToAll(probe))).isEqualTo(new NodeRouter.Reach(0, true));
    assertThat(deliveredOnA).containsExactly("hi", "all");
  }

  private io.vertx.core.Future<Void> eventually(java.util.function.Supplier<io.vertx.core.Future<Boolean>> check) {
    return check.get().compose(ok -> ok ? io.vertx.core.Future.<Void>succeededFuture()
        : cluster.vertx(1).timer(50).compose(t -> eventually(check)));
  }
}
