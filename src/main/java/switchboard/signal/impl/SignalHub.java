package switchboard.signal.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import switchboard.bus.NodeMessage;
import switchboard.bus.NodeRouter;
import switchboard.bus.NodeRouter.Reach;
import switchboard.bus.SessionDirectory;
import switchboard.signal.SignalSession;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where Signal's sessions are and how a message reaches them. Locally: the authenticated sessions of this
 * node and a room → sessions index, so a room send touches only its members. Cluster-wide: the session
 * directory (client → node, with what the REST list shows) and the node router, which carries sends to
 * the nodes holding the sockets. Every delivery serialises the frame once per node and encrypts it per
 * recipient (one key each). Confined to the verticle's event loop.
 */
public final class SignalHub {

  private final Map<String, SignalSession> sessions = new HashMap<>();
  private final Map<String, Set<SignalSession>> rooms = new HashMap<>();
  private final SessionDirectory directory;
  private NodeRouter router;

  public SignalHub(SessionDirectory directory) {
    this.directory = directory;
  }

  /** The router must exist before the first send; it calls back into {@link #deliverLocal}. */
  public void router(NodeRouter router) {
    this.router = router;
  }

  public SessionDirectory directory() {
    return directory;
  }

  /** A client id that no node holds. */
  public static final class ClientNotFoundException extends RuntimeException {
    ClientNotFoundException(String clientId) {
      super("client " + clientId + " is not connected", null, false, false);
    }
  }

  private static JsonObject appFrame(String topic, Object data) {
    JsonObject frame = new JsonObject().put("event", topic);
    if (data != null) {
      frame.put("data", data);
    }
    return frame;
  }

  // ---- local state -------------------------------------------------------------------------------

  public void add(SignalSession s) {
    sessions.put(s.id(), s);
    s.rooms().forEach(room -> joinLocal(s, room));
  }

  public void remove(SignalSession s) {
    if (sessions.remove(s.id()) == null) {
      return;
    }
    s.rooms().forEach(room -> leaveLocal(s, room));
  }

  public void joinLocal(SignalSession s, String room) {
    rooms.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(s);
  }

  public void leaveLocal(SignalSession s, String room) {
    Set<SignalSession> members = rooms.get(room);
    if (members != null && members.remove(s) && members.isEmpty()) {
      rooms.remove(room);
    }
  }

  public int localCount() {
    return sessions.size();
  }

  /** Delivers a node message to this node's sockets; answers how many it reached. */
  public int deliverLocal(NodeMessage message) {
    if (message instanceof NodeMessage.ToClient m) {
      SignalSession s = sessions.get(m.clientId());
      return s == null ? 0 : fanOut(List.of(s), m.frame());
    }
    if (message instanceof NodeMessage.ToRoom m) {
      Set<SignalSession> members = rooms.get(m.room());
      return members == null ? 0 : fanOut(List.copyOf(members), m.frame());
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

  // ---- cluster-wide operations (REST and event bus) ---------------------------------------------

  public Future<Reach> broadcast(String topic, Object data) {
    return router.deliverToAll(new NodeMessage.ToAll(appFrame(topic, data)));
  }

  public Reach broadcastLocal(String topic, Object data) {
    return new Reach(deliverLocal(new NodeMessage.ToAll(appFrame(topic, data))), false);
  }

  public Future<Reach> toRoom(String room, String topic, Object data) {
    return router.deliverToAll(new NodeMessage.ToRoom(room, appFrame(topic, data)));
  }

  public Reach toRoomLocal(String room, String topic, Object data) {
    return new Reach(deliverLocal(new NodeMessage.ToRoom(room, appFrame(topic, data))), false);
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
    if (sessions.containsKey(clientId)) {
      return Future.succeededFuture(new Reach(deliverLocal(message), false));
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
