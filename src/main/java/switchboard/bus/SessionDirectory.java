package switchboard.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cluster-wide map of a service's sessions: id (a connection id, a clientId) → entry with the node that
 * holds the socket under {@code node} plus whatever the service records. A Vert.x SharedData async map:
 * a local map on a single node, a Hazelcast map in a cluster. Entries of a node that leaves the cluster
 * are removed by the surviving nodes.
 */
public final class SessionDirectory {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SessionDirectory.class);

  public static final String NODE = "node";

  private final ClusterView cluster;
  private final Future<AsyncMap<String, JsonObject>> map;

  /** @param mapName the cluster map's name, one of {@link Addresses}' {@code *_MAP} names */
  public SessionDirectory(Vertx vertx, ClusterView cluster, String mapName) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.map = vertx.sharedData().getAsyncMap(mapName);
    cluster.onNodeLeft(mapName, node -> removeNode(node).onFailure(err ->
        LOG.warn("could not drop the entries of departed node {}: {}", node, err.toString())));
  }

  /** Records a session held by this node, replacing any previous entry. */
  public Future<Void> put(String id, JsonObject info) {
    JsonObject entry = info.copy().put(NODE, cluster.nodeId());
    return map.compose(m -> m.put(id, entry));
  }

  /** Same, with an entry that expires after {@code ttlMs} unless written again. */
  public Future<Void> put(String id, JsonObject info, long ttlMs) {
    JsonObject entry = info.copy().put(NODE, cluster.nodeId());
    return map.compose(m -> m.put(id, entry, ttlMs));
  }

  /** Records a session held by this node unless the id is taken; answers true when it was free. */
  public Future<Boolean> putIfAbsent(String id, JsonObject info) {
    JsonObject entry = info.copy().put(NODE, cluster.nodeId());
    return map.compose(m -> m.putIfAbsent(id, entry)).map(Objects::isNull);
  }

  /** Same, with an entry that expires after {@code ttlMs} unless written again. */
  public Future<Boolean> putIfAbsent(String id, JsonObject info, long ttlMs) {
    JsonObject entry = info.copy().put(NODE, cluster.nodeId());
    return map.compose(m -> m.putIfAbsent(id, entry, ttlMs)).map(Objects::isNull);
  }

  /** The entry of a session, or null. */
  public Future<JsonObject> get(String id) {
    return map.compose(m -> m.get(id));
  }

  /** The node that holds a session, or null. */
  public Future<String> nodeOf(String id) {
    return get(id).map(entry -> entry == null ? null : entry.getString(NODE));
  }

  /** Removes a session only if this node holds it, so a late close never drops a newer owner's entry. */
  public Future<Boolean> removeOwn(String id) {
    return map.compose(m -> m.get(id).compose(entry -> {
      if (entry == null || !cluster.nodeId().equals(entry.getString(NODE))) {
        return Future.succeededFuture(false);
      }
      return m.removeIfPresent(id, entry);
    }));
  }

  /** Removes the exact entry given (compare-and-delete). */
  public Future<Boolean> removeIfPresent(String id, JsonObject entry) {
    return map.compose(m -> m.removeIfPresent(id, entry));
  }

  public Future<Map<String, JsonObject>> entries() {
    return map.compose(AsyncMap::entries);
  }

  public Future<Integer> size() {
    return map.compose(AsyncMap::size);
  }

  /** Drops every entry held by {@code nodeId}. */
  public Future<Integer> removeNode(String nodeId) {
    return map.compose(m -> m.entries().compose(all -> {
      List<Future<Boolean>> removals = new ArrayList<>();
      all.forEach((id, entry) -> {
        if (nodeId.equals(entry.getString(NODE))) {
          removals.add(m.removeIfPresent(id, entry));
        }
      });
      return Future.all(removals).map(done -> removals.size());
    }));
  }
}
