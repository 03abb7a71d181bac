package switchboard.signal;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import switchboard.bus.Addresses;
import switchboard.config.ConfigException;
import switchboard.platform.Profile;
import switchboard.bus.NodeRouter;
import switchboard.bus.RoomNodes;
import switchboard.bus.SessionDirectory;
import switchboard.platform.Platform;
import switchboard.signal.impl.HazelcastRoomHistory;
import switchboard.signal.impl.InMemoryRoomHistory;
import switchboard.signal.impl.RoomHistory;
import switchboard.signal.impl.SignalHub;
import switchboard.ws.SharedPort;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Signal service on one node. This verticle holds what the node has once: the room history, the session
 * directory, the room → nodes map, the hub, the node's one router consumer and the event-bus API. It then
 * deploys {@code instances} {@link SignalLoopVerticle}s, one per event loop, which share the HTTP port and
 * each serve their own connections; Vert.x undeploys them before this one stops.
 */
public final class SignalVerticle extends VerticleBase {

  static final String SERVICE = "signal";
  /**
   * How long a room message that overtook an earlier one waits for it before the earlier one is read from
   * the history: longer than event-bus jitter between nodes, short enough that a client barely notices.
   */
  static final long REORDER_WAIT_MS = 200;

  private final Platform platform;
  private final SignalConfig config;
  private final SharedPort port;
  private SignalHub hub;
  private NodeRouter router;
  private SignalBusApi bus;

  public SignalVerticle(Platform platform, SignalConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.port = new SharedPort(config.http().port());
  }

  /** The port the service listens on (after start). */
  public int actualPort() {
    return port.port().result();
  }

  /** Authenticated clients on each event loop of this node. */
  List<Integer> clientsPerLoop() {
    return hub.clientsPerLoop();
  }

  @Override
  public Future<?> start() {
    HazelcastInstance hazelcast = platform.cluster().hazelcast();
    if (hazelcast != null && platform.profile() == Profile.PROD && !config.historySecretConfigured()) {
      return Future.failedFuture(new ConfigException("signal.historySecret",
          "is required by --profile prod in a cluster (it seals the room history Hazelcast holds)"));
    }
    Future<RoomHistory> history = hazelcast != null
        ? HazelcastRoomHistory.create(vertx, hazelcast, config.rooms(), config.historySeal())
        : Future.succeededFuture(new InMemoryRoomHistory(config.rooms(), System::currentTimeMillis));
    return history.compose(h -> {
      hub = new SignalHub(new SessionDirectory(vertx, platform.cluster(), Addresses.SIGNAL_SESSIONS_MAP), h,
          new RoomNodes(vertx, platform.cluster(), Addresses.SIGNAL_ROOM_NODES_MAP));
      router = new NodeRouter(vertx, platform.cluster(), SERVICE, hub::deliverLocal, config.routeTimeout().toMillis());
      hub.router(router);
      bus = new SignalBusApi(vertx, hub, config, platform.cluster());
      return Future.all(router.start(), bus.start());
    }).compose(v -> vertx.deployVerticle(() -> new SignalLoopVerticle(platform, config, hub, bus, port),
        new DeploymentOptions().setInstances(config.http().instances())));
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> done = new ArrayList<>();
    done.add(bus.stop());
    done.add(router.stop());
    // when only the service stops, the node stays in the cluster and nobody else would drop its entries
    done.add(hub.directory().removeNode(platform.nodeId()));
    return Future.join(done);
  }
}
