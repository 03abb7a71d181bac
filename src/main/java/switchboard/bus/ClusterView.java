package switchboard.bus;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.query.Predicate;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.ConversionUtils;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * This node's id and the members of its cluster. Single-node Vert.x has a cluster of one.
 *
 * <p>Membership changes come from Hazelcast directly: Vert.x's own {@code ClusterManager.nodeListener}
 * holds a single listener that the event bus needs, so it must not be replaced.
 */
public final class ClusterView {

  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private final String nodeId;
  private final HazelcastClusterManager hazelcast;
  private final List<Subscription> leftListeners = new CopyOnWriteArrayList<>();
  private final Map<String, Subscription> keyedLeftListeners = new ConcurrentHashMap<>();
  private final List<Subscription> joinedListeners = new CopyOnWriteArrayList<>();
  private final Map<String, Subscription> keyedMergedListeners = new ConcurrentHashMap<>();

  private record Subscription(Context context, Consumer<String> listener) {
  }

  private ClusterView(String nodeId, HazelcastClusterManager hazelcast) {
    this.nodeId = nodeId;
    this.hazelcast = hazelcast;
    if (hazelcast != null) {
      hazelcast.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {
          dispatch(joinedListeners, vertxNodeId(event));
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
          String node = vertxNodeId(event);
          dispatch(leftListeners, node);
          dispatch(keyedLeftListeners.values(), node);
        }
      });
      hazelcast.getHazelcastInstance().getLifecycleService().addLifecycleListener(event -> {
        if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
          dispatch(keyedMergedListeners.values(), nodeId);
        }
      });
    }
  }

  /** Vert.x names a node by a member attribute of its own, not by the Hazelcast member UUID. */
  private static String vertxNodeId(MembershipEvent event) {
    String id = event.getMember().getAttribute(VERTX_NODE_ID);
    return id != null ? id : event.getMember().getUuid().toString();
  }

  /** A node that is not clustered. */
  public static ClusterView single() {
    return new ClusterView(UUID.randomUUID().toString(), null);
  }

  /** The view of a joined Hazelcast member. */
  public static ClusterView of(HazelcastClusterManager manager) {
    return new ClusterView(manager.getNodeId(), manager);
  }

  public String nodeId() {
    return nodeId;
  }

  public boolean clustered() {
    return hazelcast != null;
  }

  /** The Hazelcast member under this node, for cluster structures beyond maps; null when not clustered. */
  public HazelcastInstance hazelcast() {
    return hazelcast == null ? null : hazelcast.getHazelcastInstance();
  }

  /**
   * True on exactly one node of a stable cluster: the oldest member (Hazelcast lists members oldest first,
   * the same on every member). For work that a publish hands to every node and only one may do.
   */
  public boolean oldestMember() {
    return hazelcast == null
        || hazelcast.getHazelcastInstance().getCluster().getMembers().iterator().next().localMember();
  }

  /** Node ids of the current members, this node included. */
  public List<String> members() {
    return hazelcast == null ? List.of(nodeId) : hazelcast.getNodes();
  }

  /**
   * Removes from the cluster map behind the Vert.x async map {@code mapName} every entry whose JSON value
   * has {@code field} equal to {@code value}; answers how many. Each member filters and removes its own
   * partitions in place, so no entry crosses the network, unlike reading the whole map. Clustered only.
   */
  public Future<Integer> removeWhere(Vertx vertx, String mapName, String field, String value) {
    if (hazelcast == null) {
      throw new IllegalStateException("removeWhere needs a cluster");
    }
    return vertx.executeBlocking(() -> hazelcast.getHazelcastInstance().getMap(mapName)
        .executeOnEntries(new RemoveEntry(), new JsonFieldEquals(field, value)).size(), false);
  }

  /** Matches map values that Vert.x stored for a {@link JsonObject} whose {@code field} is {@code value}. */
  private record JsonFieldEquals(String field, String value) implements Predicate<Object, Object> {
    @Override
    public boolean apply(Map.Entry<Object, Object> entry) {
      return new ConversionUtils().convertReturn(entry.getValue()) instanceof JsonObject json
          && value.equals(json.getValue(field));
    }
  }

  /** Removes the entry it runs on. */
  private record RemoveEntry() implements EntryProcessor<Object, Object, Boolean> {
    @Override
    public Boolean process(Map.Entry<Object, Object> entry) {
      entry.setValue(null);
      return Boolean.TRUE;
    }
  }

  /**
   * Calls {@code listener} with the id of each node that leaves the cluster, on the caller's Vert.x
   * context (so a verticle may touch its own state from it).
   */
  public void onNodeLeft(Consumer<String> listener) {
    leftListeners.add(new Subscription(Vertx.currentContext(), listener));
  }

  /**
   * Like {@link #onNodeLeft(Consumer)}, but at most one listener per {@code key}: a later one replaces the
   * earlier. For clean-up of shared state (a directory's entries of the departed node), which must happen
   * once per node however many times its owner is created, and must not pile up across redeployments.
   */
  public void onNodeLeft(String key, Consumer<String> listener) {
    keyedLeftListeners.put(key, new Subscription(Vertx.currentContext(), listener));
  }

  /** Removes the listener registered under {@code key} by {@link #onNodeLeft(String, Consumer)}. */
  public void removeNodeLeftListener(String key) {
    keyedLeftListeners.remove(key);
  }

  /**
   * Calls {@code listener} (with this node's id) each time this node has rejoined the cluster after a
   * split: the side that merges takes over the other side's shared state, which dropped this node's
   * entries while it was unreachable. At most one listener per {@code key}, as for {@link #onNodeLeft(String, Consumer)}.
   */
  public void onMerged(String key, Consumer<String> listener) {
    keyedMergedListeners.put(key, new Subscription(Vertx.currentContext(), listener));
  }

  public void onNodeJoined(Consumer<String> listener) {
    joinedListeners.add(new Subscription(Vertx.currentContext(), listener));
  }

  private static void dispatch(Collection<Subscription> subscriptions, String node) {
    for (Subscription s : subscriptions) {
      if (s.context() != null) {
        s.context().runOnContext(v -> s.listener().accept(node));
      } else {
        s.listener().accept(node);
      }
    }
  }
}
