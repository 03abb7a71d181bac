package switchboard.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Cluster-wide room membership of a service: room → members, each with the node that holds its socket.
 * One async map per room ({@code switchboard.rooms.<service>.<room>}: member id → node id) and an index of
 * the rooms in use, so members are listed without scanning other rooms. Members of a node that leaves
 * the cluster are removed by the surviving nodes.
 */
public final class RoomRegistry {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoomRegistry.class);

  private final Vertx vertx;
  private final ClusterView cluster;
  private final String service;
  private final Future<AsyncMap<String, Boolean>> index;
  private final Map<String, Future<AsyncMap<String, String>>> rooms = new HashMap<>();

  public RoomRegistry(Vertx vertx, ClusterView cluster, String service) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.service = Objects.requireNonNull(service, "service");
    this.index = vertx.sharedData().getAsyncMap("switchboard.rooms." + service);
    cluster.onNodeLeft("rooms." + service, node -> removeNode(node).onFailure(err ->
        LOG.warn("could not drop the entries of departed node {}: {}", node, err.toString())));
  }

  private synchronized Future<AsyncMap<String, String>> room(String room) {
    return rooms.computeIfAbsent(room, r -> index.compose(ix -> ix.put(r, Boolean.TRUE))
        .compose(v -> vertx.sharedData().<String, String>getAsyncMap("switchboard.rooms." + service + "." + r)));
  }

  /** Adds a member held by this node. */
  public Future<Void> join(String room, String memberId) {
    return room(room).compose(m -> m.put(memberId, cluster.nodeId()));
  }

  public Future<Void> leave(String room, String memberId) {
    return room(room).compose(m -> m.remove(memberId)).mapEmpty();
  }

  /** Removes a member from several rooms, e.g. when its socket closes. */
  public Future<Void> leaveAll(Set<String> roomNames, String memberId) {
    List<Future<Void>> all = new ArrayList<>();
    for (String r : roomNames) {
      all.add(leave(r, memberId));
    }
    return Future.all(all).mapEmpty();
  }

  /** Member id → node id. */
  public Future<Map<String, String>> members(String room) {
    return room(room).compose(AsyncMap::entries);
  }

  public Future<Integer> size(String room) {
    return room(room).compose(AsyncMap::size);
  }

  public Future<Set<String>> roomNames() {
    return index.compose(AsyncMap::keys);
  }

  /** Drops every member held by {@code nodeId}, in every room. */
  public Future<Void> removeNode(String nodeId) {
    return roomNames().compose(names -> {
      List<Future<Void>> all = new ArrayList<>();
      for (String r : names) {
        all.add(room(r).compose(m -> m.entries().compose(entries -> {
          List<Future<Boolean>> removals = new ArrayList<>();
          entries.forEach((member, node) -> {
            if (nodeId.equals(node)) {
              removals.add(m.removeIfPresent(member, node));
            }
          });
          return Future.all(removals).<Void>mapEmpty();
        })));
      }
      return Future.all(all).mapEmpty();
    });
  }
}
