package switchboard.signal.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import switchboard.signal.RoomPolicy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Room history of a node that is not clustered: bounded per room by the room's window, lost with the
 * process (each start has new epochs). Shared by the service's event loops: each call holds the lock only
 * for its own few list operations.
 */
public final class InMemoryRoomHistory implements RoomHistory {

  private record Stored(long offset, long appendedAtMs, String frame) {
  }

  private static final class Stream {
    final String epoch = UUID.randomUUID().toString();
    final ArrayDeque<Stored> items = new ArrayDeque<>();
    long newest;
  }

  private final Map<String, RoomPolicy> rooms;
  private final LongSupplier clockMs;
  private final Map<String, Stream> streams = new HashMap<>();

  public InMemoryRoomHistory(Map<String, RoomPolicy> rooms, LongSupplier clockMs) {
    this.rooms = Map.copyOf(rooms);
    this.clockMs = clockMs;
  }

  @Override
  public synchronized Future<Position> append(String room, JsonObject frame) {
    RoomPolicy.History window = window(room);
    Stream stream = streams.computeIfAbsent(room, r -> new Stream());
    stream.newest++;
    stream.items.addLast(new Stored(stream.newest, clockMs.getAsLong(), frame.encode()));
    while (stream.items.size() > window.size()) {
      stream.items.removeFirst();
    }
    return Future.succeededFuture(new Position(stream.newest, stream.epoch));
  }

  @Override
  public synchronized Future<Slice> read(String room, long after, int max) {
    Stream stream = streams.get(room);
    if (stream == null) {
      return Future.succeededFuture(new Slice(null, 1, 0, List.of()));
    }
    long expiredBefore = clockMs.getAsLong() - window(room).ttlSeconds() * 1000L;
    while (!stream.items.isEmpty() && stream.items.peekFirst().appendedAtMs() < expiredBefore) {
      stream.items.removeFirst();
    }
    long oldest = stream.items.isEmpty() ? stream.newest + 1 : stream.items.peekFirst().offset();
    List<Entry> entries = new ArrayList<>();
    if (after + 1 >= oldest) {
      for (Stored s : stream.items) {
        if (entries.size() >= max) {
          break;
        }
        if (s.offset() > after) {
          entries.add(new Entry(s.offset(), new JsonObject(s.frame())));
        }
      }
    }
    return Future.succeededFuture(new Slice(stream.epoch, oldest, stream.newest, entries));
  }

  private RoomPolicy.History window(String room) {
    RoomPolicy policy = rooms.get(room);
    return policy != null ? policy.history() : RoomPolicy.History.DEFAULT;
  }
}
