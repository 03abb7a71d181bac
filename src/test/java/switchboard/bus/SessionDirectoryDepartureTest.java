package switchboard.bus;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import switchboard.testing.TestCluster;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Verifies on a real 3-node cluster that the entries of a departed node leave the directory within the
 * 8 s ghost target, and only those: the survivors' entries stay.
 */
class SessionDirectoryDepartureTest {

  private static final String MAP = "switchboard.sessions.departuretest";
  private static final int DEPARTED_ENTRIES = 1_000;

  private TestCluster cluster;

  @BeforeEach
  void setUp() {
    cluster = TestCluster.start(3);
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void aDepartedNodesEntriesAreDroppedWithinTheGhostTarget() throws InterruptedException {
    // GIVEN the directory on each node, 1,000 sessions on node 2 and 10 on node 1
    List<SessionDirectory> directories = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      directories.add(new SessionDirectory(cluster.vertx(i), cluster.platform(i).cluster(), MAP));
    }
    List<Future<Void>> puts = new ArrayList<>();
    for (int k = 0; k < DEPARTED_ENTRIES; k++) {
      puts.add(directories.get(2).put("departed-" + k, new JsonObject().put("user", "u" + k)));
    }
    for (int k = 0; k < 10; k++) {
      puts.add(directories.get(1).put("survivor-" + k, new JsonObject().put("user", "s" + k)));
    }
    await(Future.all(puts), 60);
    assertThat(await(directories.get(0).size())).isEqualTo(DEPARTED_ENTRIES + 10);

    // WHEN node 2 leaves the cluster
    long started = System.nanoTime();
    cluster.stop(2);
    long leftMs = (System.nanoTime() - started) / 1_000_000;

    // THEN (polled every 20 ms for at most 20 s) node 0's directory holds only node 1's 10 sessions, within 8 s of the leave
    long seenLeftMs = -1;
    int size = await(directories.get(0).size());
    for (int poll = 0; poll < 1000 && size != 10; poll++) {
      Thread.sleep(20);
      if (seenLeftMs < 0 && cluster.platform(0).cluster().members().size() == 2) {
        seenLeftMs = (System.nanoTime() - started) / 1_000_000;
      }
      size = await(directories.get(0).size());
    }
    long droppedMs = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("departed node's %d entries dropped %d ms after its leave began (leave call %d ms, node 0 saw 2 members at %d ms)%n",
        DEPARTED_ENTRIES, droppedMs, leftMs, seenLeftMs);
    assertThat(size).isEqualTo(10);
    assertThat(await(directories.get(0).get("survivor-3")).getString(SessionDirectory.NODE))
        .isEqualTo(cluster.platform(1).nodeId());
    assertThat(await(directories.get(0).nodeOf("departed-3"))).isNull();
    assertThat(droppedMs).isLessThan(8_000);
  }
}
