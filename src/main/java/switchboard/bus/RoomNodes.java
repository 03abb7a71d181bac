package switchboard.bus;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.platform.CallerContext;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which nodes have members of each room, cluster-wide, so that a room send goes only to those nodes. Each
 * node counts its own members per room over all its event loops and writes its id into the room's entry
 * when the first one joins and out when the last one leaves. A join answers once the entry holds the node,
 * so a send that starts after a client's join was answered reaches it. Entries live in one Hazelcast map
 * (one backup), changed by entry processors on the partition owner, so concurrent joins on different nodes
 * never overwrite each other. Departed nodes are dropped from every entry by the survivors, and after a
 * split heals each node writes its rooms back. Thread-safe: loops join and leave from their own threads.
 */
public final class RoomNodes {

  private static final Logger LOG = LoggerFactory.getLogger(RoomNodes.class);

  private final Vertx vertx;
  private final ClusterView cluster;
  /** Null on a single node; else the map, fetched off the event loop (creating a proxy may wait on the cluster). */
  private final Future<IMap<String, String>> map;
  private final String key;
  /** Members on this node per room, and the write of each room's entry in flight (writes of a room are chained). */
  private final Map<String, Integer> counts = new HashMap<>();
  private final Map<String, Future<Void>> writes = new HashMap<>();

  /** @param mapName the Hazelcast map, one of {@link Addresses}' {@code *_MAP} names */
  public RoomNodes(Vertx vertx, ClusterView cluster, String mapName) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    HazelcastInstance hazelcast = cluster.hazelcast();
    this.map = hazelcast == null ? null : vertx.executeBlocking(() -> hazelcast.<String, String>getMap(mapName), false);
    this.key = "room-nodes." + mapName;
    if (map != null) {
      cluster.onNodeLeft(key, this::dropNode);
      cluster.onMerged(key, node -> writeBack());
    }
  }

  /** Counts one more member of {@code room} on this node; answers, on the caller's context, once the cluster knows. */
  public Future<Void> join(String room) {
    Future<Void> written;
    synchronized (this) {
      int members = counts.merge(room, 1, Integer::sum);
      written = members == 1 ? chain(room, true) : writes.getOrDefault(room, Future.succeededFuture());
    }
    return CallerContext.of(written);
  }

  /** Counts one member fewer; the last one out takes this node out of the room's entry. */
  public void leave(String room) {
    synchronized (this) {
      Integer members = counts.get(room);
      if (members == null) {
        return;
      }
      if (members > 1) {
        counts.put(room, members - 1);
        return;
      }
      counts.remove(room);
      chain(room, false);
    }
  }

  private Future<Void> chain(String room, boolean add) {
    if (map == null) {
      return Future.succeededFuture();
    }
    Future<Void> previous = writes.getOrDefault(room, Future.succeededFuture());
    Future<Void> next = previous.transform(ignored -> write(room, add));
    writes.put(room, next);
    next.onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("could not record this node {} room {}: {}", add ? "in" : "out of", room, ar.cause().toString());
      }
      synchronized (this) {
        writes.remove(room, next);
      }
    });
    return next;
  }

  private Future<Void> write(String room, boolean add) {
    return map.compose(m -> Future.fromCompletionStage(m.submitToKey(room, new NodeChange(cluster.nodeId(), add))));
  }

  /**
   * The nodes with members of {@code room} that are still in the cluster; answered on the caller's context.
   * On a single node: this node when it has members.
   */
  public Future<Set<String>> nodesOf(String room) {
    if (map == null) {
      synchronized (this) {
        return Future.succeededFuture(counts.containsKey(room) ? Set.of(cluster.nodeId()) : Set.of());
      }
    }
    return CallerContext.of(map.compose(m -> Future.fromCompletionStage(m.getAsync(room)))).map(value -> {
      Set<String> nodes = NodeChange.parse(value);
      nodes.retainAll(cluster.members());
      return nodes;
    });
  }

  private void dropNode(String node) {
    map.compose(m -> vertx.executeBlocking(() -> m.executeOnEntries(new NodeChange(node, false)), false))
        .onFailure(err -> LOG.warn("could not drop departed node {} from the rooms: {}", node, err.toString()));
  }

  private void writeBack() {
    List<String> rooms;
    synchronized (this) {
      rooms = List.copyOf(counts.keySet());
    }
    rooms.forEach(room -> write(room, true).onFailure(err ->
        LOG.warn("could not write back room {} after a merge: {}", room, err.toString())));
  }

  /** Adds a node id to, or removes it from, a room's entry; an entry left empty is removed. */
  record NodeChange(String nodeId, boolean add) implements EntryProcessor<String, String, Void> {

    @Override
    public Void process(Map.Entry<String, String> entry) {
      Set<String> nodes = parse(entry.getValue());
      boolean changed = add ? nodes.add(nodeId) : nodes.remove(nodeId);
      if (changed) {
        entry.setValue(nodes.isEmpty() ? null : String.join(",", nodes));
      }
      return null;
    }

    static Set<String> parse(String value) {
      return value == null || value.isEmpty() ? new LinkedHashSet<>()
          : new LinkedHashSet<>(Arrays.asList(value.split(",")));
    }
  }
}
