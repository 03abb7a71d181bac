package switchboard.signal.impl;

import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import switchboard.bus.Addresses;
import switchboard.signal.RoomPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Room history in the cluster: one Hazelcast ringbuffer per room (capacity and TTL from the room's window,
 * one synchronous backup), and the room's epoch in a map entry of the same partition. The ringbuffer's
 * {@code add} returns a sequence that the partition owner assigns one at a time, so offsets (sequence + 1)
 * are strictly increasing without gaps whichever node appends. With one backup, history and epoch survive
 * the loss of any one member; if both copies go, both go, and the next append starts a new epoch at offset 1.
 */
public final class HazelcastRoomHistory implements RoomHistory {

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> epochs;
  private final HistorySeal seal;

  private HazelcastRoomHistory(Vertx vertx, HazelcastInstance hazelcast, HistorySeal seal) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.seal = seal;
    this.epochs = hazelcast.getMap(Addresses.SIGNAL_EPOCHS_MAP);
  }

  /**
   * Registers every room's ringbuffer configuration with the cluster (identical on every node, so adding
   * it again is accepted), then answers the history. Each answer of the history comes on its caller's context.
   */
  public static Future<RoomHistory> create(Vertx vertx, HazelcastInstance hazelcast, Map<String, RoomPolicy> rooms,
                                           HistorySeal seal) {
    return vertx.executeBlocking(() -> {
      for (RoomPolicy room : rooms.values()) {
        hazelcast.getConfig().addRingBufferConfig(new RingbufferConfig(Addresses.SIGNAL_HISTORY_PREFIX + room.name())
            .setCapacity(room.history().size())
            .setTimeToLiveSeconds(room.history().ttlSeconds())
            .setBackupCount(1)
            .setAsyncBackupCount(0));
      }
      return new HazelcastRoomHistory(vertx, hazelcast, seal);
    });
  }

  private Ringbuffer<String> ring(String room) {
    return hazelcast.getRingbuffer(Addresses.signalHistory(room));
  }

  @Override
  public Future<Position> append(String room, JsonObject frame) {
    Context context = vertx.getOrCreateContext();
    Future<Long> sequence = Future.fromCompletionStage(ring(room).addAsync(seal.seal(room, frame.encode()), OverflowPolicy.OVERWRITE), context);
    Future<String> epoch = Future.fromCompletionStage(epochs.getAsync(room), context)
        .compose(e -> e != null ? Future.succeededFuture(e) : vertx.executeBlocking(() -> {
          String fresh = UUID.randomUUID().toString();
          String existing = epochs.putIfAbsent(room, fresh);
          return existing != null ? existing : fresh;
        }));
    return Future.all(sequence, epoch).map(both -> new Position(sequence.result() + 1, epoch.result()));
  }

  @Override
  public Future<Slice> read(String room, long after, int max) {
    return vertx.executeBlocking(() -> {
      Ringbuffer<String> ring = ring(room);
      String epoch = epochs.get(room);
      long head = ring.headSequence();
      long tail = ring.tailSequence();
      List<Entry> entries = new ArrayList<>();
      // sequence s holds offset s + 1: the first wanted offset, after + 1, sits at sequence after
      if (max > 0 && after >= head && after <= tail) {
        try {
          ReadResultSet<String> read = ring.readManyAsync(after, 0, max, null).toCompletableFuture().get();
          for (int i = 0; i < read.size(); i++) {
            String frame = seal.open(room, read.get(i));
            // an entry no node sealed (a foreign Hazelcast member's) keeps its offset but is never delivered
            entries.add(new Entry(read.getSequence(i) + 1, frame == null ? null : new JsonObject(frame)));
          }
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof StaleSequenceException stale)) {
            throw e;
          }
          // expired or overwritten between the head check and the read: the window moved past
          return new Slice(epoch, stale.getHeadSeq() + 1, tail + 1, List.of());
        }
      }
      return new Slice(epoch, head + 1, tail + 1, entries);
    }, false);
  }
}
