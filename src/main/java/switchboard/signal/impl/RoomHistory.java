package switchboard.signal.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The recent messages of each room, numbered: offsets start at 1 and grow by one per message appended, with
 * no gap even when several nodes append at once. The epoch names the stream; it changes only when the
 * room's history is lost, so an offset is meaningful only together with its epoch.
 */
public interface RoomHistory {

  /** Where an appended message landed. */
  record Position(long offset, String epoch) {
  }

  /** One retained message: its offset and its {@code {event, data}} frame, null when it failed its seal. */
  record Entry(long offset, JsonObject frame) {
  }

  /**
   * What a reader sees of a room.
   *
   * @param epoch   the current epoch; null when the room has no history (never written, or lost)
   * @param oldest  the oldest offset still retained (newest + 1 when none is)
   * @param newest  the offset of the last message appended; 0 when none was
   * @param entries retained messages after the requested offset, in order
   */
  record Slice(String epoch, long oldest, long newest, List<Entry> entries) {
  }

  /** Appends a message to the room's history. */
  Future<Position> append(String room, JsonObject frame);

  /** Reads at most {@code max} messages with offsets above {@code after}; none when they left the window. */
  Future<Slice> read(String room, long after, int max);
}
