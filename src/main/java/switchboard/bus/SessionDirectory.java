package switchboard.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.LocalMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cluster-wide map of a service's sessions: id (a connection id, a clientId) → entry with the node that
 * holds the socket under {@code node} plus whatever the service records. A Vert.x SharedData async map:
 * a local map on a single node, a Hazelcast map in a cluster. Entries of a node that leaves the cluster
 * are removed by the surviving members, in place on the members that own them. Every survivor does it (a
 * removal is idempotent and moves no entry across the network), so the first to hear of the departure
 * bounds the time the departed node's sessions stay listed, not the busiest. Each node also keeps its own entries in a node-local map, so that
 * after a network split heals it can write back the entries the other side removed while it was cut off.
 */
public final class SessionDirectory {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SessionDirectory.class);

  public static final String NODE = "node";

  /** Key, in an own-entry record, of the wall-clock time (ms) it expires at; absent when it does not expire. */
  private static final String EXPIRES_AT = "expiresAt";

  private final Vertx vertx;
  private final ClusterView cluster;
  private final String mapName;
  private final Future<AsyncMap<String, JsonObject>> map;
  /** This node's entries ({@code entry}, optional {@link #EXPIRES_AT}); shared by every instance of this directory on the node. */
  private final LocalMap<String, JsonObject> own;

  /** @param mapName the cluster map's name, one of {@link Addresses}' {@code *_MAP} names */
  public SessionDirectory(Vertx vertx, ClusterView cluster, String mapName) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.mapName = Objects.requireNonNull(mapName, "mapName");
    this.map = vertx.sharedData().getAsyncMap(mapName);
    this.own = vertx.sharedData().getLocalMap(mapName + ".own");
    cluster.onNodeLeft(mapName, node -> {
      long started = System.nanoTime();
      removeNode(node)
          .onSuccess(count -> LOG.info("dropped {} {} entries of departed node {} in {} ms", count, mapName, node,
              (System.nanoTime() - started) / 1_000_000))
          .onFailure(err -> LOG.warn("could not drop the entries of departed node {}: {}", node, err.toString()));
    });
    cluster.onMerged(mapName, node -> republishOwn().onSuccess(count ->
        LOG.info("wrote back {} entries of {} after the cluster merged", count, mapName)).onFailure(err ->
        LOG.warn("could not write back the entries of {} after a merge: {}", mapName, err.toString())));
  }

  /** Records a session held by this node, replacing any previous entry. */
  public Future<Void> put(String id, JsonObject info) {
    JsonObject entry = info.copy().put(NODE, cluster.nodeId());
    return map.compose(m -> m.put(id, entry)).onSuccess(v -> remember(id, entry, 0));
  }

  /** Same, with an entry that expires after {@code ttlMs} unless written again. */
  public Future<Void> put(String id, JsonObject info, long ttlMs) {
    JsonObject entry = info.copy().put(NODE, cluster.nodeId());
    return map.compose(m -> m.put(id, entry, ttlMs)).onSuccess(v -> remember(id, entry, ttlMs));
  }

  /** Records a session held by this node unless the id is taken; answers true when it was free. */
  public Future<Boolean> putIfAbsent(String id, JsonObject info) {
    JsonObject entry = info.copy().put(NODE, cluster.nodeId());
    return map.compose(m -> m.putIfAbsent(id, entry)).map(Objects::isNull)
        .onSuccess(free -> rememberIf(free, id, entry, 0));
  }

  /** Same, with an entry that expires after {@code ttlMs} unless written again. */
  public Future<Boolean> putIfAbsent(String id, JsonObject info, long ttlMs) {
    JsonObject entry = info.copy().put(NODE, cluster.nodeId());
    return map.compose(m -> m.putIfAbsent(id, entry, ttlMs)).map(Objects::isNull)
        .onSuccess(free -> rememberIf(free, id, entry, ttlMs));
  }

  private void rememberIf(boolean free, String id, JsonObject entry, long ttlMs) {
    if (free) {
      remember(id, entry, ttlMs);
    }
  }

  private void remember(String id, JsonObject entry, long ttlMs) {
    JsonObject record = new JsonObject().put("entry", entry);
    if (ttlMs > 0) {
      record.put(EXPIRES_AT, System.currentTimeMillis() + ttlMs);
    }
    own.put(id, record);
  }

  private void forget(String id, JsonObject entry) {
    JsonObject record = own.get(id);
    if (record != null && record.getJsonObject("entry").equals(entry)) {
      own.remove(id, record);
    }
  }

  /**
   * Writes this node's live entries back into the cluster map, each only where the id is still free (a
   * session taken over elsewhere during the split keeps its new owner); answers how many were written.
   */
  Future<Integer> republishOwn() {
    long now = System.currentTimeMillis();
    List<Future<Boolean>> writes = new ArrayList<>();
    for (Map.Entry<String, JsonObject> e : own.entrySet()) {
      JsonObject entry = e.getValue().getJsonObject("entry");
      Long expiresAt = e.getValue().getLong(EXPIRES_AT);
      if (expiresAt == null) {
        writes.add(map.compose(m -> m.putIfAbsent(e.getKey(), entry)).map(Objects::isNull));
      } else if (expiresAt > now) {
        writes.add(map.compose(m -> m.putIfAbsent(e.getKey(), entry, expiresAt - now)).map(Objects::isNull));
      } else {
        own.remove(e.getKey(), e.getValue());
      }
    }
    return Future.all(writes).map(all -> {
      int written = 0;
      for (int i = 0; i < all.size(); i++) {
        if (Boolean.TRUE.equals(all.resultAt(i))) {
          written++;
        }
      }
      return written;
    });
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
      forget(id, entry);
      return m.removeIfPresent(id, entry);
    }));
  }

  /** Removes the exact entry given (compare-and-delete). */
  public Future<Boolean> removeIfPresent(String id, JsonObject entry) {
    forget(id, entry);
    return map.compose(m -> m.removeIfPresent(id, entry));
  }

  public Future<Map<String, JsonObject>> entries() {
    return map.compose(AsyncMap::entries);
  }

  public Future<Integer> size() {
    return map.compose(AsyncMap::size);
  }

  /**
   * Drops every entry held by {@code nodeId}; answers how many. In a cluster each member removes its own
   * partitions' matches in place; on a single node, a scan of the local map.
   */
  public Future<Integer> removeNode(String nodeId) {
    if (cluster.clustered()) {
      return cluster.removeWhere(vertx, mapName, NODE, nodeId);
    }
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
