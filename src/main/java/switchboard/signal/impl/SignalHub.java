package switchboard.signal.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.LocalLoops;
import switchboard.bus.NodeMessage;
import switchboard.bus.NodeRouter;
import switchboard.bus.NodeRouter.Reach;
import switchboard.bus.RoomNodes;
import switchboard.bus.SessionDirectory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * How a Signal message reaches its sessions, node-wide and cluster-wide. The node's sessions live on its
 * event loops, each loop's in its own {@link LoopSessions}, reached through {@link LocalLoops}. Across the
 * cluster: the session directory (client → node, with what the REST list shows), {@link RoomNodes} (room →
 * the nodes with members) and the node router, which carries a send to the nodes holding the sockets. Room
 * messages are appended to the room's {@link RoomHistory} first, which numbers them. Thread-safe: every
 * loop's REST and WebSocket handlers use the one hub of the node.
 */
public final class SignalHub {

  private static final Logger LOG = LoggerFactory.getLogger(SignalHub.class);

  public static final String RECOVERED = "recovered";

  private final SessionDirectory directory;
  private final RoomHistory history;
  private final RoomNodes roomNodes;
  private final LocalLoops loops = new LocalLoops();
  private NodeRouter router;

  public SignalHub(SessionDirectory directory, RoomHistory history, RoomNodes roomNodes) {
    this.directory = directory;
    this.history = history;
    this.roomNodes = roomNodes;
  }

  /** The answer of a room send: who was reached, and where the message sits in the room's stream. */
  public record RoomSend(Reach reach, RoomHistory.Position position) {
  }

  /** The router must exist before the first send; it calls back into {@link #deliverLocal}. */
  public void router(NodeRouter router) {
    this.router = router;
  }

  public SessionDirectory directory() {
    return directory;
  }

  RoomHistory history() {
    return history;
  }

  RoomNodes roomNodes() {
    return roomNodes;
  }

  LocalLoops loops() {
    return loops;
  }

  /** Delivers a node message to this node's sockets, on every loop that holds one; answers how many it reached. */
  public Future<Integer> deliverLocal(NodeMessage message) {
    return loops.deliver(message);
  }

  /** Authenticated clients on each of this node's loops. */
  public List<Integer> clientsPerLoop() {
    return loops.holdingPerLoop();
  }

  /** Authenticated clients on this node. */
  public int localCount() {
    return loops.holding();
  }

  /** A client id that no node holds. */
  public static final class ClientNotFoundException extends RuntimeException {
    ClientNotFoundException(String clientId) {
      super("client " + clientId + " is not connected", null, false, false);
    }
  }

  static JsonObject appFrame(String topic, Object data) {
    JsonObject frame = new JsonObject().put("event", topic);
    if (data != null) {
      frame.put("data", data);
    }
    return frame;
  }

  // ---- cluster-wide operations (REST and event bus) ---------------------------------------------

  public Future<Reach> broadcast(String topic, Object data) {
    return router.deliverToAll(new NodeMessage.ToAll(appFrame(topic, data)));
  }

  public Future<Reach> broadcastLocal(String topic, Object data) {
    return loops.deliver(new NodeMessage.ToAll(appFrame(topic, data))).map(reached -> new Reach(reached, false));
  }

  /**
   * Appends to the room's history, then delivers with the room, offset and epoch on the nodes with members
   * of the room (looked up meanwhile).
   */
  public Future<RoomSend> toRoom(String room, String topic, Object data) {
    JsonObject frame = appFrame(topic, data);
    Future<RoomHistory.Position> appended = history.append(room, frame);
    Future<Set<String>> nodes = roomNodes.nodesOf(room)
        .recover(err -> {
          LOG.warn("room {}: could not read which nodes have members, sending to all: {}", room, err.toString());
          return Future.succeededFuture(null);
        });
    return Future.all(appended, nodes).compose(both -> {
      RoomHistory.Position position = appended.result();
      NodeMessage.ToRoom message = new NodeMessage.ToRoom(room, stamped(frame, room, position.offset(), position.epoch()));
      return (nodes.result() == null ? router.deliverToAll(message) : router.deliverTo(nodes.result(), message))
          .map(reach -> new RoomSend(reach, position));
    });
  }

  static JsonObject stamped(JsonObject frame, String room, long offset, String epoch) {
    return frame.copy().put("room", room).put("offset", offset).put("epoch", epoch);
  }

  /**
   * Fails with {@link ClientNotFoundException} when no node holds the client; a partial zero when the
   * client's node did not answer in time.
   */
  public Future<Reach> toClient(String clientId, String topic, Object data) {
    return onOwner(clientId, new NodeMessage.ToClient(clientId, appFrame(topic, data)));
  }

  /** Like {@link #toClient}: a partial zero means the client's node did not confirm the close. */
  public Future<Reach> disconnect(String clientId, int code, String reason) {
    return onOwner(clientId, new NodeMessage.Disconnect(clientId, code, reason));
  }

  private Future<Reach> onOwner(String clientId, NodeMessage message) {
    if (loops.holds(clientId)) {
      return loops.deliver(message).map(reached -> new Reach(reached, false));
    }
    return directory.nodeOf(clientId).compose(node -> {
      if (node == null) {
        return Future.failedFuture(new ClientNotFoundException(clientId));
      }
      return router.deliver(node, message).compose(reach -> reach.recipients() == 0 && !reach.partial()
          ? Future.failedFuture(new ClientNotFoundException(clientId)) : Future.succeededFuture(reach));
    });
  }

  /** Authenticated clients across the cluster. */
  public Future<Integer> clientCount() {
    return directory.size();
  }

  /** Every authenticated client of the cluster, oldest first. */
  public Future<JsonArray> clients() {
    return directory.entries().map(entries -> {
      List<JsonObject> list = new ArrayList<>(entries.size());
      entries.forEach((id, entry) -> list.add(new JsonObject().put("id", id).mergeIn(entry)));
      list.sort(Comparator.comparing((JsonObject o) -> o.getString("connectedAt", ""))
          .thenComparing(o -> o.getString("id")));
      return new JsonArray(new ArrayList<>(list));
    });
  }
}
