package switchboard.bus;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.testing.Await.await;

/**
 * Verifies what a node writes back after a split heals: its own live sessions that the other side dropped,
 * never one it closed meanwhile, and never over an id another node took during the split.
 */
class SessionDirectoryWriteBackTest {

  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  @Test
  void writesBackOwnLiveEntriesOnlyWhereTheIdIsFree() {
    // GIVEN three sessions of this node, one of them closed again
    ClusterView view = ClusterView.single();
    SessionDirectory sessions = new SessionDirectory(vertx, view, "switchboard.sessions.writeback");
    await(sessions.put("kept", new JsonObject().put("user", "alice")));
    await(sessions.putIfAbsent("taken", new JsonObject().put("user", "bob")));
    await(sessions.put("closed", new JsonObject().put("user", "carol"), 60_000));
    assertThat(await(sessions.removeOwn("closed"))).isTrue();
    // AND the other side of a split dropped them all, and another node took "taken"
    // (straight on the shared map, as the surviving nodes' clean-up does it)
    JsonObject elsewhere = new JsonObject().put("user", "bob").put(SessionDirectory.NODE, "other-node");
    await(vertx.sharedData().<String, JsonObject>getAsyncMap("switchboard.sessions.writeback")
        .compose(m -> m.remove("kept").compose(v -> m.put("taken", elsewhere))));
    assertThat(await(sessions.get("kept"))).isNull();

    // WHEN the node writes back after the merge
    int written = await(sessions.republishOwn());

    // THEN only "kept" came back; "taken" keeps its new owner and "closed" stays closed
    assertThat(written).isEqualTo(1);
    assertThat(await(sessions.get("kept"))).isEqualTo(new JsonObject().put("user", "alice").put(SessionDirectory.NODE, view.nodeId()));
    assertThat(await(sessions.get("taken"))).isEqualTo(elsewhere);
    assertThat(await(sessions.get("closed"))).isNull();
  }
}
