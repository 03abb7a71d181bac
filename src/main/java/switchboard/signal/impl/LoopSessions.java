package switchboard.signal.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.LocalLoops;
import switchboard.bus.NodeMessage;
import switchboard.signal.SignalSession;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The authenticated Signal sessions of one event loop: a room → sessions index, so a room send touches only
 * its members, and each room's delivery stream. Confined to its loop; the node's {@link SignalHub} reaches
 * it through {@link LocalLoops}, and it tells the hub's {@link switchboard.bus.RoomNodes} when the node's
 * first member of a room joins.
 *
 * <p>Room messages carry {@code room}, {@code offset} and {@code epoch}. Two nodes (or two loops) publishing
 * at once may reach this loop in the wrong order, so it delivers a room's messages in offset order: a message
 * ahead of the next expected offset waits up to the reorder wait for the missing ones, which are then read
 * from the history.
 */
public final class LoopSessions {

  private static final Logger LOG = LoggerFactory.getLogger(LoopSessions.class);

  /** Most messages read from the history at once, for a replay or a gap. */
  static final int READ_BATCH = 1000;

  private final Map<String, SignalSession> sessions = new HashMap<>();
  private final Map<String, Set<SignalSession>> rooms = new HashMap<>();
  private final Map<String, RoomStream> streams = new HashMap<>();
  private final Vertx vertx;
  private final SignalHub hub;
  private final RoomHistory history;
  private final long reorderWaitMs;
  private final LocalLoops.Loop loop;

  /**
   * Joins the hub's loops from the caller's context, which must be this loop's.
   *
   * @param reorderWaitMs how long a room message that arrived ahead of a missing one waits before the
   *                      missing one is read from the history
   */
  public LoopSessions(Vertx vertx, SignalHub hub, long reorderWaitMs) {
    this.vertx = vertx;
    this.hub = hub;
    this.history = hub.history();
    this.reorderWaitMs = reorderWaitMs;
    this.loop = hub.loops().join(vertx.getOrCreateContext(), this::deliverLocal);
  }

  /** Takes this loop out of the hub's; its sessions are closed by then. */
  public void close() {
    hub.loops().leave(loop);
  }

  /**
   * This loop's delivery state of one room with local members: the last offset delivered here, and
   * messages that arrived ahead of it.
   */
  private static final class RoomStream {
    /** Unknown (-1) until the history's newest offset is read, or when that read failed. */
    long delivered = -1;
    boolean known;
    final Promise<Void> ready = Promise.promise();
    final TreeMap<Long, JsonObject> waiting = new TreeMap<>();
    long gapTimer = -1;
  }

  /** Adds an authenticated session and joins it to its rooms; answers once the cluster knows this node has them. */
  public Future<Void> add(SignalSession s) {
    sessions.put(s.id(), s);
    hub.loops().own(loop, s.id());
    List<Future<Void>> joined = new ArrayList<>();
    s.rooms().forEach(room -> joined.add(joinLocal(s, room)));
    return Future.join(joined).mapEmpty();
  }

  public void remove(SignalSession s) {
    if (sessions.remove(s.id()) == null) {
      return;
    }
    hub.loops().disown(loop, s.id());
    s.rooms().forEach(room -> leaveLocal(s, room));
  }

  /** Joins a session to a room here; answers once the cluster knows this node has members of it. */
  public Future<Void> joinLocal(SignalSession s, String room) {
    if (!rooms.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(s)) {
      return Future.succeededFuture();
    }
    Future<Void> recorded = hub.roomNodes().join(room);
    if (!streams.containsKey(room)) {
      RoomStream stream = new RoomStream();
      streams.put(room, stream);
      // messages older than the newest one now were published before anyone here joined; but the read may
      // answer after messages that reached this node since the join, and those are the members' to get
      history.read(room, Long.MAX_VALUE - 1, 0).onComplete(ar -> {
        if (ar.succeeded()) {
          long newest = ar.result().newest();
          stream.delivered = stream.waiting.isEmpty() ? newest : Math.min(newest, stream.waiting.firstKey() - 1);
        } else {
          LOG.warn("room {}: could not read the history's newest offset: {}", room, ar.cause().toString());
          if (!stream.waiting.isEmpty()) {
            stream.delivered = stream.waiting.firstKey() - 1;
          }
        }
        stream.known = true;
        stream.ready.complete();
        if (streams.get(room) == stream) {
          drain(room, stream);
        }
      });
    }
    return recorded;
  }

  public void leaveLocal(SignalSession s, String room) {
    Set<SignalSession> members = rooms.get(room);
    if (members == null || !members.remove(s)) {
      return;
    }
    hub.roomNodes().leave(room);
    if (members.isEmpty()) {
      rooms.remove(room);
      RoomStream stream = streams.remove(room);
      if (stream != null && stream.gapTimer >= 0) {
        vertx.cancelTimer(stream.gapTimer);
      }
    }
  }

  /** Delivers a node message to this loop's sockets; answers how many it reached. */
  private int deliverLocal(NodeMessage message) {
    if (message instanceof NodeMessage.ToClient m) {
      SignalSession s = sessions.get(m.clientId());
      return s == null ? 0 : fanOut(List.of(s), m.frame());
    }
    if (message instanceof NodeMessage.ToRoom m) {
      return deliverRoom(m.room(), m.frame());
    }
    if (message instanceof NodeMessage.ToAll m) {
      return fanOut(List.copyOf(sessions.values()), m.frame());
    }
    if (message instanceof NodeMessage.Disconnect m) {
      SignalSession s = sessions.get(m.clientId());
      if (s == null) {
        return 0;
      }
      s.close(m.code(), m.reason());
      return 1;
    }
    throw new IllegalArgumentException("unsupported node message " + message.getClass().getSimpleName());
  }

  private static int fanOut(List<SignalSession> targets, JsonObject frame) {
    if (targets.isEmpty()) {
      return 0;
    }
    String plaintext = frame.encode();
    byte[] utf8 = plaintext.getBytes(StandardCharsets.UTF_8);
    int reached = 0;
    for (SignalSession s : targets) {
      if (s.deliver(utf8, plaintext)) {
        reached++;
      }
    }
    return reached;
  }

  // ---- room streams: in-order delivery and replay ------------------------------------------------

  /** Answers the sockets the message went out to, or will once the offsets before it are in. */
  private int deliverRoom(String room, JsonObject frame) {
    Set<SignalSession> members = rooms.get(room);
    RoomStream stream = streams.get(room);
    if (members == null || stream == null || !(frame.getValue("offset") instanceof Number n)) {
      return 0;
    }
    long offset = n.longValue();
    if (stream.known && stream.delivered < 0) {
      stream.delivered = offset - 1;
    }
    if (stream.known && offset <= stream.delivered) {
      // already delivered, read from the history when this copy was late: the members have it
      return members.size();
    }
    if (stream.known && offset == stream.delivered + 1) {
      int reached = emit(room, stream, offset, frame);
      drain(room, stream);
      return reached;
    }
    stream.waiting.put(offset, frame);
    if (stream.known) {
      awaitGap(room, stream);
    }
    return members.size();
  }

  private int emit(String room, RoomStream stream, long offset, JsonObject frame) {
    stream.delivered = offset;
    Set<SignalSession> members = rooms.get(room);
    if (members == null) {
      return 0;
    }
    String plaintext = frame.encode();
    byte[] utf8 = plaintext.getBytes(StandardCharsets.UTF_8);
    int reached = 0;
    for (SignalSession s : List.copyOf(members)) {
      if (s.deliverInRoom(room, offset, utf8, plaintext)) {
        reached++;
      }
    }
    return reached;
  }

  /** Delivers the waiting messages that are next in line; waits for a gap if one remains. */
  private void drain(String room, RoomStream stream) {
    while (!stream.waiting.isEmpty() && stream.waiting.firstKey() <= stream.delivered + 1) {
      Map.Entry<Long, JsonObject> next = stream.waiting.pollFirstEntry();
      if (stream.delivered < 0 || next.getKey() == stream.delivered + 1) {
        emit(room, stream, next.getKey(), next.getValue());
      }
    }
    if (stream.waiting.isEmpty()) {
      if (stream.gapTimer >= 0) {
        vertx.cancelTimer(stream.gapTimer);
        stream.gapTimer = -1;
      }
    } else {
      awaitGap(room, stream);
    }
  }

  private void awaitGap(String room, RoomStream stream) {
    if (stream.waiting.size() > READ_BATCH) {
      fillGap(room, stream);
    } else if (stream.gapTimer < 0) {
      stream.gapTimer = vertx.setTimer(reorderWaitMs, id -> {
        stream.gapTimer = -1;
        fillGap(room, stream);
      });
    }
  }

  /**
   * Reads the missing offsets from the history and delivers them in order. Offsets the history no longer
   * has (expired, or lost with both copies) are skipped, so live delivery never stalls; clients that resume
   * learn of them from their recovery outcome.
   */
  private void fillGap(String room, RoomStream stream) {
    if (streams.get(room) != stream || stream.waiting.isEmpty()) {
      return;
    }
    long before = stream.waiting.firstKey();
    long from = stream.delivered;
    int count = (int) Math.min(before - from - 1, READ_BATCH);
    history.read(room, from, count).onComplete(ar -> {
      if (streams.get(room) != stream || stream.waiting.isEmpty() || stream.delivered != from) {
        return;
      }
      if (ar.succeeded()) {
        for (RoomHistory.Entry e : ar.result().entries()) {
          if (e.offset() == stream.delivered + 1 && e.offset() < before) {
            if (e.frame() != null) {
              emit(room, stream, e.offset(), SignalHub.stamped(e.frame(), room, e.offset(), ar.result().epoch()));
            } else {
              stream.delivered = e.offset();
            }
          }
        }
      } else {
        LOG.warn("room {}: could not read offsets {}..{} from the history: {}", room, from + 1, before - 1,
            ar.cause().toString());
      }
      if (stream.delivered == from) {
        LOG.warn("room {}: offsets {}..{} are not in the history any more; live delivery skips them", room,
            from + 1, before - 1);
        stream.delivered = before - 1;
      }
      drain(room, stream);
    });
  }

  /**
   * Replays to {@code s} the messages of {@code room} after {@code offset}, in order and encrypted like live
   * ones, then sends its {@code recovered} event and lets live messages through. The session must be a
   * local member of the room, marked recovering, since before its {@code connected} went out. Live
   * messages that reach this node meanwhile are not sent to it but read back from the history, and the
   * replay ends only once it has caught up with what this node delivered, so nothing is missed or doubled.
   */
  public void recover(SignalSession s, String room, String epoch, long offset) {
    RoomStream stream = streams.get(room);
    if (stream == null) {
      finishRecovery(s, room, null, failure("NOT_A_MEMBER"));
      return;
    }
    stream.ready.future().onComplete(ignored -> replay(s, room, epoch, offset, 0));
  }

  private void replay(SignalSession s, String room, String epoch, long after, long missed) {
    history.read(room, after, READ_BATCH).onComplete(ar -> {
      RoomStream stream = streams.get(room);
      if (!s.isRecovering(room) || stream == null) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("room {}: replay read failed: {}", room, ar.cause().toString());
        finishRecovery(s, room, stream, failure("HISTORY_UNAVAILABLE"));
        return;
      }
      RoomHistory.Slice slice = ar.result();
      if (slice.epoch() == null || !slice.epoch().equals(epoch) || after > slice.newest()) {
        finishRecovery(s, room, stream, failure("EPOCH_MISMATCH"));
        return;
      }
      if (after + 1 < slice.oldest()) {
        finishRecovery(s, room, stream, failure("WINDOW_EXCEEDED"));
        return;
      }
      long last = after;
      long replayed = missed;
      for (RoomHistory.Entry e : slice.entries()) {
        last = e.offset();
        if (e.frame() == null) {
          continue;
        }
        String plaintext = SignalHub.stamped(e.frame(), room, e.offset(), slice.epoch()).encode();
        s.deliver(plaintext.getBytes(StandardCharsets.UTF_8), plaintext);
        replayed++;
      }
      s.roomOffset(room, last);
      if (last > after && (last < stream.delivered || last < slice.newest())) {
        replay(s, room, epoch, last, replayed);
      } else {
        finishRecovery(s, room, stream, new JsonObject().put("recovered", true).put("missed", replayed));
      }
    });
  }

  private static JsonObject failure(String reason) {
    return new JsonObject().put("recovered", false).put("reason", reason);
  }

  /** Sends the outcome and lets live messages through; after a failure the client starts from now. */
  private void finishRecovery(SignalSession s, String room, RoomStream stream, JsonObject outcome) {
    s.recovering(room, false);
    if (!outcome.getBoolean("recovered") && stream != null) {
      s.roomOffset(room, Math.max(s.roomOffset(room), stream.delivered));
    }
    recoveryOutcome(s, room, outcome);
  }

  /** The encrypted {@code recovered} event of one room. */
  public static void recoveryOutcome(SignalSession s, String room, JsonObject outcome) {
    String plaintext = SignalHub.appFrame(SignalHub.RECOVERED, new JsonObject().put(room, outcome)).encode();
    s.deliver(plaintext.getBytes(StandardCharsets.UTF_8), plaintext);
  }
}
