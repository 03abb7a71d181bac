package switchboard.bus;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.testing.TestCluster;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Verifies on a real 3-node cluster that a send does not wait the route timeout for a member that will not
 * answer: neither for one that leaves the cluster while its share is outstanding, nor, in a delivery to every
 * member after its first failure, for one whose requests keep failing (what a member whose event-bus handshake
 * is refused looks like). A delivery to that one node still waits for it.
 */
class NodeRouterFailureTest {

  private static final String SERVICE = "routertest";
  private static final long ROUTE_TIMEOUT_MS = 20_000;

  private TestCluster cluster;

  @BeforeEach
  void setUp() {
    cluster = TestCluster.start(3);
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  private NodeRouter router(int node, int sockets, long timeoutMs) {
    NodeRouter router = new NodeRouter(cluster.vertx(node), cluster.platform(node).cluster(), SERVICE,
        m -> Future.succeededFuture(sockets), timeoutMs);
    await(router.start());
    return router;
  }

  /** Node 2's delivery consumer: takes each message and never answers, as a node about to die. */
  private CountDownLatch silentConsumerOnNode2() {
    CountDownLatch received = new CountDownLatch(1);
    await(cluster.vertx(2).eventBus().<JsonObject>consumer(
        Addresses.nodeDelivery(SERVICE, cluster.platform(2).nodeId()), msg -> received.countDown()).completion());
    return received;
  }

  /**
   * Waits (at most 20 targeted deliveries) until node {@code node} answers {@code sender} in time: the first
   * message to a node opens the event-bus connection, which on a loaded machine can take longer than a
   * short route timeout.
   */
  private void connected(NodeRouter sender, int node) {
    String nodeId = cluster.platform(node).nodeId();
    boolean answered = false;
    for (int attempt = 0; attempt < 20 && !answered; attempt++) {
      answered = !await(sender.deliver(nodeId, message()), 30).partial();
    }
    assertThat(answered).as("node %d answers in time", node).isTrue();
  }

  private static NodeMessage message() {
    return new NodeMessage.ToRoom("room", new JsonObject().put("hello", "world"));
  }

  @Test
  void aNodeThatLeavesMidSendGivesAPartialZeroAtOnce() throws InterruptedException {
    // GIVEN routers with a 20 s route timeout on nodes 0 and 1 (3 and 4 sockets), and node 2 taking messages silently
    NodeRouter sender = router(0, 3, ROUTE_TIMEOUT_MS);
    router(1, 4, ROUTE_TIMEOUT_MS);
    CountDownLatch reachedNode2 = silentConsumerOnNode2();

    // WHEN node 0 sends to all, and node 2 leaves the cluster once the message has reached it
    long started = System.nanoTime();
    Future<NodeRouter.Reach> answer = sender.deliverToAll(message());
    assertThat(reachedNode2.await(30, TimeUnit.SECONDS)).isTrue();
    cluster.stop(2);
    NodeRouter.Reach reach = await(answer, 30);
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    // THEN the answer counts nodes 0 and 1, is marked partial, and came long before the route timeout
    assertThat(reach).isEqualTo(new NodeRouter.Reach(7, true));
    assertThat(tookMs).isLessThan(ROUTE_TIMEOUT_MS / 2);
  }

  @Test
  void aMemberWhoseRequestsFailIsNotWaitedForInAFanOutAfterTheFirstFailure() {
    // GIVEN a 1.5 s route timeout, routers on nodes 0 and 1, and node 2 a member that never answers
    long timeoutMs = 1_500;
    NodeRouter sender = router(0, 3, timeoutMs);
    router(1, 4, timeoutMs);
    connected(sender, 1);
    silentConsumerOnNode2();

    // WHEN node 0 sends twice
    NodeRouter.Reach first = await(sender.deliverToAll(message()), 30);
    long started = System.nanoTime();
    NodeRouter.Reach second = await(sender.deliverToAll(message()), 30);
    long secondMs = (System.nanoTime() - started) / 1_000_000;

    // THEN the first waited out node 2 and the second did not; both count nodes 0 and 1 and are partial
    assertThat(first).isEqualTo(new NodeRouter.Reach(7, true));
    assertThat(second).isEqualTo(new NodeRouter.Reach(7, true));
    assertThat(secondMs).isLessThan(timeoutMs);

    // AND a delivery to node 2 alone still waits for it
    started = System.nanoTime();
    assertThat(await(sender.deliver(cluster.platform(2).nodeId(), message()), 30)).isEqualTo(new NodeRouter.Reach(0, true));
    assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(timeoutMs - 100);
  }

  @Test
  void aFailingMemberIsWaitedForAgainOnceItAnswers() throws InterruptedException {
    // GIVEN node 2 whose first request timed out, and which then answers (its router starts)
    long timeoutMs = 1_500;
    NodeRouter sender = router(0, 3, timeoutMs);
    router(1, 4, timeoutMs);
    connected(sender, 1);
    var silent = cluster.vertx(2).eventBus().<JsonObject>consumer(
        Addresses.nodeDelivery(SERVICE, cluster.platform(2).nodeId()), msg -> { });
    await(silent.completion());
    assertThat(await(sender.deliverToAll(message()), 30)).isEqualTo(new NodeRouter.Reach(7, true));
    await(silent.unregister());
    router(2, 5, timeoutMs);

    // WHEN node 0 keeps sending (at most 10 s): each send still reaches node 2, whose answer clears the failure
    NodeRouter.Reach reach = await(sender.deliverToAll(message()), 30);
    for (int attempt = 0; attempt < 100 && reach.partial(); attempt++) {
      Thread.sleep(100);
      reach = await(sender.deliverToAll(message()), 30);
    }

    // THEN a send counts all three nodes again, not partial
    assertThat(reach).isEqualTo(new NodeRouter.Reach(12, false));
  }
}
