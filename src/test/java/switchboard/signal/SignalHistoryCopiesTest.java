package switchboard.signal;

import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import switchboard.bus.Addresses;
import switchboard.signal.SignalTestSupport.Peer;
import switchboard.signal.impl.HazelcastRoomHistory;
import switchboard.signal.impl.HistorySeal;
import switchboard.signal.impl.InMemoryRoomHistory;
import switchboard.signal.impl.RoomHistory;
import switchboard.testing.TestCluster;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static switchboard.signal.SignalTestSupport.token;
import static switchboard.testing.Await.await;

/**
 * Verifies that a message the room history holds twice reaches each client once, live, from a gap and in a
 * replay. The second copy is made the way Hazelcast makes it when it reruns an add on the new owner of a
 * dead member's partition: the same stored entry added again to the room's ringbuffer, at a later offset.
 */
class SignalHistoryCopiesTest {

  private static final String ROOM = "ws-default";

  /**
   * Verifies that clients get each message once although the history holds copies of some at later
   * offsets: a live client (the copy comes from a gap), clients resuming from before and from the first
   * copy (the copy comes in the replay), and those clients again when a copy lands after they joined;
   * and that the frames a client gets carry no message id.
   */
  @Test
  void aMessageStoredTwiceReachesEachClientOnce() throws InterruptedException {
    try (TestCluster cluster = TestCluster.start(2)) {
      int port0 = SignalTestSupport.deploy(cluster.platform(0), new JsonObject()).actualPort();
      int port1 = SignalTestSupport.deploy(cluster.platform(1), new JsonObject()).actualPort();
      Vertx vertx = cluster.vertx(0);
      Ringbuffer<String> ring = cluster.platform(0).cluster().hazelcast().getRingbuffer(Addresses.signalHistory(ROOM));
      String jwt = token(vertx, "erin");
      Peer live = Peer.authenticated(vertx, port1, jwt);

      // GIVEN seq 1 at offset 1, a second copy of it at offset 2, and seq 2 at offset 3
      assertThat(roomSend(vertx, 1).getLong("offset")).isEqualTo(1);
      JsonObject first = live.nextDecrypted();
      assertThat(first.fieldNames()).containsExactlyInAnyOrder("event", "data", "room", "offset", "epoch");
      assertAt(first, 1, 1);
      String epoch = first.getString("epoch");
      copyLast(ring);
      assertThat(roomSend(vertx, 2).getLong("offset")).isEqualTo(3);

      // THEN the live client, which read offset 2 from the history as a gap, gets seq 2 next, not seq 1 again
      JsonObject second = live.nextDecrypted();
      assertThat(second.fieldNames()).containsExactlyInAnyOrder("event", "data", "room", "offset", "epoch");
      assertAt(second, 3, 2);

      // WHEN a copy of seq 2 lands at offset 4 and seq 3 is sent (offset 5)
      copyLast(ring);
      assertThat(roomSend(vertx, 3).getLong("offset")).isEqualTo(5);
      assertAt(live.nextDecrypted(), 5, 3);

      // THEN a client resuming from offset 0 gets seq 1, 2, 3 once each
      Peer fromStart = Peer.resumed(vertx, port0, jwt, recover(epoch, 0));
      assertAt(fromStart.nextDecrypted(), 1, 1);
      assertAt(fromStart.nextDecrypted(), 3, 2);
      assertAt(fromStart.nextDecrypted(), 5, 3);
      assertThat(fromStart.nextDecrypted()).isEqualTo(recovered(3));
      // AND clients resuming from the first copies (offsets 1 and 3) do not get their later copies
      Peer fromOne = Peer.resumed(vertx, port0, jwt, recover(epoch, 1));
      assertAt(fromOne.nextDecrypted(), 3, 2);
      assertAt(fromOne.nextDecrypted(), 5, 3);
      assertThat(fromOne.nextDecrypted()).isEqualTo(recovered(2));
      Peer fromThree = Peer.resumed(vertx, port0, jwt, recover(epoch, 3));
      assertAt(fromThree.nextDecrypted(), 5, 3);
      assertThat(fromThree.nextDecrypted()).isEqualTo(recovered(1));

      // WHEN a copy of seq 3 lands at offset 6, after they joined, and seq 4 is sent (offset 7)
      copyLast(ring);
      assertThat(roomSend(vertx, 4).getLong("offset")).isEqualTo(7);

      // THEN every client gets seq 4 next, and nothing else
      for (Peer p : List.of(live, fromStart, fromOne, fromThree)) {
        assertAt(p.nextDecrypted(), 7, 4);
        p.expectNothingElse();
      }
    }
  }

  /**
   * Verifies what delivery relies on, in the clustered and the in-memory history alike: each entry comes
   * back with its message id, a read from before the window starts at its oldest entry, and the newest
   * entries can be read without knowing their offsets.
   */
  @Test
  void historiesKeepIdsClampReadsToTheWindowAndReadTheLatest() {
    Map<String, RoomPolicy> rooms = Map.of("small", new RoomPolicy("small", Set.of(), false,
        new RoomPolicy.History(3, 300)));
    try (TestCluster cluster = TestCluster.start(1)) {
      RoomHistory clustered = await(HazelcastRoomHistory.create(cluster.vertx(0),
          cluster.platform(0).cluster().hazelcast(), rooms, new HistorySeal(new byte[32])));
      for (RoomHistory history : List.of(clustered, new InMemoryRoomHistory(rooms, System::currentTimeMillis))) {
        for (long i = 1; i <= 5; i++) {
          await(history.append("small", 100 + i, new JsonObject().put("event", "msg").put("data", "m" + i)));
        }
        RoomHistory.Slice all = await(history.read("small", 0, 10));
        assertThat(all.oldest()).isEqualTo(3);
        assertThat(all.newest()).isEqualTo(5);
        assertThat(all.entries()).extracting(RoomHistory.Entry::offset).containsExactly(3L, 4L, 5L);
        assertThat(all.entries()).extracting(RoomHistory.Entry::messageId).containsExactly(103L, 104L, 105L);
        assertThat(all.entries().get(0).frame()).isEqualTo(new JsonObject().put("event", "msg").put("data", "m3"));
        assertThat(await(history.latest("small", 2)).entries()).extracting(RoomHistory.Entry::offset)
            .containsExactly(4L, 5L);
        RoomHistory.Slice beyond = await(history.read("small", 5, 10));
        assertThat(beyond.entries()).isEmpty();
        assertThat(beyond.newest()).isEqualTo(5);
      }
    }
  }

  /** Adds the room's newest stored entry again, as a rerun add would: same bytes, the next offset. */
  private static void copyLast(Ringbuffer<String> ring) throws InterruptedException {
    ring.add(ring.readOne(ring.tailSequence()));
  }

  private static void assertAt(JsonObject delivered, long offset, long seq) {
    assertThat(delivered.getString("room")).isEqualTo(ROOM);
    assertThat(delivered.getLong("offset")).isEqualTo(offset);
    assertThat(delivered.getJsonObject("data").getLong("seq")).isEqualTo(seq);
  }

  private static JsonObject roomSend(Vertx vertx, int seq) {
    return await(vertx.eventBus().<JsonObject>request(Addresses.SIGNAL_ROOM_SEND, new JsonObject()
        .put("room", ROOM).put("topic", "msg").put("data", new JsonObject().put("seq", seq)))).body();
  }

  private static JsonObject recover(String epoch, long offset) {
    return new JsonObject().put(ROOM, new JsonObject().put("epoch", epoch).put("offset", offset));
  }

  private static JsonObject recovered(long missed) {
    return new JsonObject().put("event", "recovered").put("data", new JsonObject().put(ROOM,
        new JsonObject().put("recovered", true).put("missed", missed)));
  }
}
