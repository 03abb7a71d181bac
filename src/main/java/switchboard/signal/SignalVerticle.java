package switchboard.signal;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import switchboard.bus.Addresses;
import switchboard.config.ConfigException;
import switchboard.platform.Profile;
import switchboard.bus.NodeRouter;
import switchboard.bus.SessionDirectory;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.signal.impl.HazelcastRoomHistory;
import switchboard.signal.impl.InMemoryRoomHistory;
import switchboard.signal.impl.RoomHistory;
import switchboard.signal.impl.SignalHub;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The Signal service on one node, wired: the WebSocket endpoint ({@link SignalHandler}), the REST API and the
 * event-bus API on one HTTP server, and the node's one router consumer. One instance per node: sessions,
 * rooms and the hub live on its event loop.
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
  private SignalHub hub;
  private NodeRouter router;
  private SignalBusApi bus;
  private WsEndpoint endpoint;
  private HttpServer server;

  public SignalVerticle(Platform platform, SignalConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** The port the server listens on (after start). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    // One metrics object per service: a second one would register its connection gauge in vain.
    ServiceMetrics metrics = platform.metricsFor(SERVICE);
    HazelcastInstance hazelcast = platform.cluster().hazelcast();
    if (hazelcast != null && platform.profile() == Profile.PROD && !config.historySecretConfigured()) {
      return Future.failedFuture(new ConfigException("signal.historySecret",
          "is required by --profile prod in a cluster (it seals the room history Hazelcast holds)"));
    }
    Future<RoomHistory> history = hazelcast != null
        ? HazelcastRoomHistory.create(vertx, hazelcast, config.rooms(), config.historySeal())
        : Future.succeededFuture(new InMemoryRoomHistory(config.rooms(), System::currentTimeMillis));
    return history.compose(h -> {
      hub = new SignalHub(vertx, new SessionDirectory(vertx, platform.cluster(), Addresses.SIGNAL_SESSIONS_MAP), h,
          REORDER_WAIT_MS);
      router = new NodeRouter(vertx, platform.cluster(), SERVICE, hub::deliverLocal, config.routeTimeout().toMillis());
      hub.router(router);
      bus = new SignalBusApi(vertx, hub, config, platform.cluster());
      return Future.all(router.start(), bus.start());
    }).compose(v -> {
      SignalHandler handler = new SignalHandler(config, platform.jwt(), hub, bus, metrics);
      endpoint = new WsEndpoint(vertx, Set.of(config.wsPath()), config.limits(), SignalProtocol.CLOSE_CODES,
          config.http().allowedOrigins(), handler, metrics);
      return Future.succeededFuture(new SignalRestApi(vertx, platform.jwt(), hub, config));
    }).compose(rest -> ServiceHttpServer.start(vertx, config.http(), rest.router(config.maxRestBodyBytes()), endpoint))
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> done = new ArrayList<>();
    done.add(bus.stop());
    done.add(router.stop());
    done.add(endpoint.closeAll(WsCloseCodes.GOING_AWAY, "server shutting down"));
    // when only the service stops, the node stays in the cluster and nobody else would drop its entries
    done.add(hub.directory().removeNode(platform.nodeId()));
    return Future.join(done);
  }
}
