package switchboard.securecall;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.bus.LocalLoops;
import switchboard.bus.NodeRouter;
import switchboard.bus.SessionDirectory;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.securecall.impl.CallSignaling;
import switchboard.securecall.impl.CallTable;
import switchboard.securecall.impl.ErrorReplies;
import switchboard.securecall.impl.KeyDirectory;
import switchboard.securecall.impl.TurnCredentials;
import switchboard.ws.ConnectionCounts;
import switchboard.ws.SharedPort;

import java.util.Objects;

/**
 * SecureCall on one node. This verticle holds what the node has once: the key directory's store file, the
 * session directory, the call state machine, the node's one router consumer for frames to its clients, and
 * the connection counts the limits are checked against. It then deploys {@code instances}
 * {@link SecureCallLoopVerticle}s, one per event loop, which share {@code ws://host:8090/signal} and
 * {@code GET /health} on one port and each serve their own connections; Vert.x undeploys them before this
 * one stops, so calls end and ids are freed while the router still runs.
 *
 * <p>A call's two parties may sit on different loops. Neither touches the other's socket: each frame goes
 * through the router, which hands it to the loop that holds the recipient ({@link LocalLoops}), and each
 * party's legs live in its own session, on its own loop.
 */
public final class SecureCallVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SecureCallVerticle.class);

  public static final String SERVICE = "securecall";

  private final Platform platform;
  private final SecureCallConfig config;
  private final SharedPort port;
  private KeyDirectory keys;
  private NodeRouter router;

  public SecureCallVerticle(Platform platform, SecureCallConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.port = new SharedPort(config.http().port());
  }

  @Override
  public Future<?> start() {
    keys = new KeyDirectory(vertx, config.dataDir());
    // One metrics object per service: a second one would register its connection gauge in vain.
    ServiceMetrics metrics = platform.metricsFor(SERVICE);
    ErrorReplies errors = new ErrorReplies(metrics);
    SessionDirectory sessions = new SessionDirectory(vertx, platform.cluster(), Addresses.SECURECALL_SESSIONS_MAP);
    TurnCredentials turn = new TurnCredentials(config.turn());
    CallSignaling calls = new CallSignaling(vertx, platform.nodeId(), config.ringTimeout().toMillis(),
        config.maxCallsPerClient(), sessions, new CallTable(vertx), turn, errors,
        new SecureCallBusApi(vertx, platform.nodeId()));
    LocalLoops loops = new LocalLoops();
    router = new NodeRouter(vertx, platform.cluster(), SERVICE, loops::deliver, config.routeTimeoutMs());
    calls.router(router);
    platform.cluster().onNodeLeft(Addresses.SECURECALL_CALLS_MAP, calls::nodeLeft);
    SecureCallLoopVerticle.Shared shared = new SecureCallLoopVerticle.Shared(platform, config, keys, sessions,
        calls, turn, errors, metrics, loops, router, new ConnectionCounts(), port);
    return keys.start()
        .onSuccess(loaded -> LOG.info("securecall: {} public keys loaded from {}", loaded, config.dataDir()))
        .compose(loaded -> router.start())
        .compose(v -> vertx.deployVerticle(() -> new SecureCallLoopVerticle(shared),
            new DeploymentOptions().setInstances(config.http().instances())));
  }

  @Override
  public Future<?> stop() {
    platform.cluster().removeNodeLeftListener(Addresses.SECURECALL_CALLS_MAP);
    return router.stop().eventually(() -> keys.stop());
  }

  /** The port the server listens on (useful with port 0). */
  public int actualPort() {
    return port.port().result();
  }
}
