package switchboard.signal.impl;

/**
 * The message ids of a room's last few offsets, to recognise the second copy of a message the history
 * stored twice: a copy is an entry whose id was seen at a lower offset. A fixed number of (offset, id)
 * pairs in two arrays used as a ring (16 bytes a pair); a lookup scans them, which for a few hundred
 * pairs costs less than hashing and boxing ids. Confined to one thread.
 */
final class RecentMessageIds {

  private final long[] offsets;
  private final long[] ids;
  private int next;
  private int size;

  RecentMessageIds(int capacity) {
    this.offsets = new long[capacity];
    this.ids = new long[capacity];
  }

  /** True when {@code messageId} was recorded at an offset below {@code offset}. */
  boolean isCopy(long offset, long messageId) {
    if (messageId == RoomHistory.NO_ID) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (ids[i] == messageId && offsets[i] < offset) {
        return true;
      }
    }
    return false;
  }

  /** Remembers the id at {@code offset}, forgetting the pair recorded longest ago once full. */
  void record(long offset, long messageId) {
    if (messageId == RoomHistory.NO_ID) {
      return;
    }
    offsets[next] = offset;
    ids[next] = messageId;
    next = (next + 1) % ids.length;
    size = Math.min(size + 1, ids.length);
  }
}
