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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.LongBinaryOperator;

/**
 * Room history in the cluster: one Hazelcast ringbuffer per room (capacity and TTL from the room's window,
 * one synchronous backup), and the room's epoch in a map entry of the same partition. The ringbuffer's
 * {@code add} returns a sequence that the partition owner assigns one at a time, so offsets (sequence + 1)
 * are strictly increasing without gaps whichever node appends. With one backup, history and epoch survive
 * the loss of any one member; if both copies go, both go, and the next append starts a new epoch at offset 1.
 * An {@code add} in flight when the owner dies is run again on the new owner, which holds it already if the
 * backup was made: such a message is stored twice, and its id, sealed with it, tells the copies apart.
 */
public final class HazelcastRoomHistory implements RoomHistory {

  /** Where the sealed frame carries its message id; taken out again on reading. */
  private static final String STORED_ID = "messageId";

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> epochs;
  /** The configured rooms' ringbuffers, fetched at creation off the event loop: a first fetch may wait on the cluster. */
  private final Map<String, Ringbuffer<String>> rings;
  private final HistorySeal seal;

  private HazelcastRoomHistory(Vertx vertx, HazelcastInstance hazelcast, Map<String, RoomPolicy> rooms,
                               HistorySeal seal) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.seal = seal;
    this.epochs = hazelcast.getMap(Addresses.SIGNAL_EPOCHS_MAP);
    Map<String, Ringbuffer<String>> fetched = new HashMap<>();
    rooms.keySet().forEach(room -> fetched.put(room, hazelcast.getRingbuffer(Addresses.signalHistory(room))));
    this.rings = Map.copyOf(fetched);
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
      return new HazelcastRoomHistory(vertx, hazelcast, rooms, seal);
    });
  }

  private Ringbuffer<String> ring(String room) {
    Ringbuffer<String> ring = rings.get(room);
    return ring != null ? ring : hazelcast.getRingbuffer(Addresses.signalHistory(room));
  }

  @Override
  public Future<Position> append(String room, long messageId, JsonObject frame) {
    Context context = vertx.getOrCreateContext();
    // a shallow copy: the id travels inside the seal, the caller's frame stays as it was
    JsonObject stored = new JsonObject(new LinkedHashMap<>(frame.getMap())).put(STORED_ID, messageId);
    Future<Long> sequence = Future.fromCompletionStage(ring(room).addAsync(seal.seal(room, stored.encode()),
        OverflowPolicy.OVERWRITE), context);
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
    // sequence s holds offset s + 1: the first wanted offset, after + 1, sits at sequence after
    return vertx.executeBlocking(() -> slice(room, (head, tail) -> Math.max(after, head), max), false);
  }

  @Override
  public Future<Slice> latest(String room, int max) {
    return vertx.executeBlocking(() -> slice(room, (head, tail) -> Math.max(tail - max + 1, head), max), false);
  }

  /** Reads at most {@code max} entries from the sequence {@code start} picks out of the current head and tail. */
  private Slice slice(String room, LongBinaryOperator start, int max) throws Exception {
    Ringbuffer<String> ring = ring(room);
    // a ringbuffer refuses to read more at once than it holds
    int count = (int) Math.min(max, ring.capacity());
    String epoch = epochs.get(room);
    long head = ring.headSequence();
    long tail = ring.tailSequence();
    long from = start.applyAsLong(head, tail);
    List<Entry> entries = new ArrayList<>();
    while (count > 0 && from <= tail) {
      try {
        ReadResultSet<String> read = ring.readManyAsync(from, 0, count, null).toCompletableFuture().get();
        for (int i = 0; i < read.size(); i++) {
          entries.add(entry(room, read.getSequence(i) + 1, read.get(i)));
        }
        break;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof StaleSequenceException stale)) {
          throw e;
        }
        // expired or overwritten between the head check and the read: read on from the new head, which
        // only moves forward, so this ends at the tail at the latest
        head = stale.getHeadSeq();
        from = Math.max(from + 1, head);
      }
    }
    return new Slice(epoch, head + 1, tail + 1, entries);
  }

  private Entry entry(String room, long offset, String sealed) {
    String text = seal.open(room, sealed);
    if (text == null) {
      // an entry no node sealed (a foreign Hazelcast member's) keeps its offset but is never delivered
      return new Entry(offset, NO_ID, null);
    }
    JsonObject frame = new JsonObject(text);
    return new Entry(offset, frame.remove(STORED_ID) instanceof Number id ? id.longValue() : NO_ID, frame);
  }
}
