package switchboard.signal.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The recent messages of each room, numbered: offsets start at 1 and grow by one per message appended, with
 * no gap even when several nodes append at once. The epoch names the stream; it changes only when the
 * room's history is lost, so an offset is meaningful only together with its epoch.
 *
 * <p>A message may be stored twice, at two offsets: a clustered append whose owner dies after storing and
 * backing it up is run again on the new owner. Each append therefore carries a message id, unique per
 * message, which comes back with every copy so that readers deliver only the first.
 */
public interface RoomHistory {

  /** The message id of an entry that has none (written without one). */
  long NO_ID = 0;

  /** Where an appended message landed. */
  record Position(long offset, String epoch) {
  }

  /**
   * One retained message: its offset, its message id ({@link #NO_ID} when it has none) and its
   * {@code {event, data}} frame, null when it failed its seal.
   */
  record Entry(long offset, long messageId, JsonObject frame) {
  }

  /**
   * What a reader sees of a room.
   *
   * @param epoch   the current epoch; null when the room has no history (never written, or lost)
   * @param oldest  the oldest offset still retained (newest + 1 when none is)
   * @param newest  the offset of the last message appended; 0 when none was
   * @param entries retained messages of the requested range, in order
   */
  record Slice(String epoch, long oldest, long newest, List<Entry> entries) {
  }

  /** Appends a message with its id ({@link #NO_ID} never) to the room's history. */
  Future<Position> append(String room, long messageId, JsonObject frame);

  /**
   * Reads at most {@code max} retained messages with offsets above {@code after}, oldest first; when
   * offsets above {@code after} have left the window, the entries start at the oldest retained one.
   */
  Future<Slice> read(String room, long after, int max);

  /** Reads the newest {@code max} retained messages, oldest first. */
  Future<Slice> latest(String room, int max);
}
