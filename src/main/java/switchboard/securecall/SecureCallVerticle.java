package switchboard.securecall;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.bus.Addresses;
import switchboard.bus.NodeRouter;
import switchboard.bus.SessionDirectory;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.securecall.impl.CallSignaling;
import switchboard.securecall.impl.CallTable;
import switchboard.securecall.impl.ErrorReplies;
import switchboard.securecall.impl.KeyDirectory;
import switchboard.securecall.impl.KeyRequests;
import switchboard.securecall.impl.TurnCredentials;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;

import java.util.Objects;
import java.util.Set;

/**
 * SecureCall on one node, wired: {@code ws://host:8090/signal} ({@link SecureCallHandler}) and
 * {@code GET /health} on one HTTP server, the node's one router consumer for frames to its clients, and the
 * key directory's store. One instance per node: connections, legs and timers live on its event loop.
 */
public final class SecureCallVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SecureCallVerticle.class);

  public static final String SERVICE = "securecall";

  private final Platform platform;
  private final SecureCallConfig config;
  private KeyDirectory keys;
  private NodeRouter router;
  private WsEndpoint endpoint;
  private SecureCallHandler handler;
  private HttpServer server;

  public SecureCallVerticle(Platform platform, SecureCallConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
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
    handler = new SecureCallHandler(vertx, config.requireToken(), platform.nodeId(), platform.jwt(), sessions, calls,
        new KeyRequests(keys, config.maxPublicKeyChars(), errors), turn, errors);
    router = new NodeRouter(vertx, platform.cluster(), SERVICE,
        message -> Future.succeededFuture(handler.deliverLocally(message)), config.routeTimeoutMs());
    calls.router(router);
    handler.router(router);
    platform.cluster().onNodeLeft(Addresses.SECURECALL_CALLS_MAP, calls::nodeLeft);
    endpoint = new WsEndpoint(vertx, Set.of(SecureCallConfig.PATH), config.ws(), SecureCallProtocol.CLOSE_CODES,
        config.http().allowedOrigins(), handler, metrics)
        .refusePerIpLimitWith(SecureCallProtocol.error(SecureCallProtocol.ErrorCode.RATE_LIMITED,
            "too many connections from this address").encode(), WsCloseCodes.POLICY_VIOLATION);
    return keys.start()
        .onSuccess(loaded -> LOG.info("securecall: {} public keys loaded from {}", loaded, config.dataDir()))
        .compose(loaded -> router.start())
        .compose(v -> ServiceHttpServer.start(vertx, config.http(), ServiceHttpServer.router(vertx, 1024), endpoint))
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    // Calls end and ids are freed first, while this node can still reach the cluster; then sockets close.
    return handler.releaseAll(endpoint.connections())
        .eventually(() -> endpoint.closeAll(WsCloseCodes.GOING_AWAY, "server shutting down"))
        .compose(v -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> router.stop())
        .eventually(() -> keys.stop());
  }

  /** The port the server listens on (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
