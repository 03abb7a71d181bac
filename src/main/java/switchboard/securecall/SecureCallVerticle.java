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
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;

import java.util.Objects;
import java.util.Set;

/**
 * SecureCall on one node: {@code ws://host:8090/signal} and {@code GET /health} on one HTTP server, the
 * node's one router consumer for frames to its clients, and the key directory's store. One instance per
 * node: connections, legs and timers live on its event loop.
 */
public final class SecureCallVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SecureCallVerticle.class);

  public static final String SERVICE = "securecall";
  /** SecureCall's close codes: 4001 no REGISTER in time, 4002 idle, 4009 slow consumer, 1008 abuse. */
  public static final WsCloseCodes CLOSE_CODES = new WsCloseCodes(4001, 4002, 4009, WsCloseCodes.POLICY_VIOLATION);

  private final Platform platform;
  private final SecureCallConfig config;
  private KeyDirectory keys;
  private NodeRouter router;
  private WsEndpoint endpoint;
  private SignalingHandler handler;
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
    handler = new SignalingHandler(vertx, config, platform.nodeId(), platform.jwt(),
        new SessionDirectory(vertx, platform.cluster(), Addresses.SECURECALL_SESSIONS_MAP), new CallTable(vertx), keys,
        new TurnCredentials(config.turn()), metrics);
    router = new NodeRouter(vertx, platform.cluster(), SERVICE, handler::deliverLocally, config.routeTimeoutMs());
    handler.router(router);
    platform.cluster().onNodeLeft(Addresses.SECURECALL_CALLS_MAP, handler::nodeLeft);
    endpoint = new WsEndpoint(vertx, Set.of(SecureCallConfig.PATH), config.ws(), CLOSE_CODES,
        config.http().allowedOrigins(), handler, metrics);
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
