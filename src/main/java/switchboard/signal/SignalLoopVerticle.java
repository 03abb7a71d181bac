package switchboard.signal;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.signal.impl.LoopSessions;
import switchboard.signal.impl.SignalHub;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.SharedPort;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;

import java.util.Set;

/**
 * One event loop's share of the Signal service: its WebSocket endpoint ({@link SignalHandler}) and REST API
 * on an HTTP server that listens on the port every instance shares, and the sessions of the connections
 * Vert.x hands to this loop ({@link LoopSessions}).
 */
final class SignalLoopVerticle extends VerticleBase {

  private final Platform platform;
  private final SignalConfig config;
  private final SignalHub hub;
  private final SignalBusApi bus;
  private final SharedPort port;
  private LoopSessions sessions;
  private WsEndpoint endpoint;

  SignalLoopVerticle(Platform platform, SignalConfig config, SignalHub hub, SignalBusApi bus, SharedPort port) {
    this.platform = platform;
    this.config = config;
    this.hub = hub;
    this.bus = bus;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    ServiceMetrics metrics = platform.metricsFor(SignalVerticle.SERVICE);
    sessions = new LoopSessions(vertx, hub, SignalVerticle.REORDER_WAIT_MS);
    SignalHandler handler = new SignalHandler(config, platform.jwt(), hub, sessions, bus, metrics);
    endpoint = new WsEndpoint(vertx, Set.of(config.wsPath()), config.limits(), SignalProtocol.CLOSE_CODES,
        config.http().allowedOrigins(), handler, metrics);
    SignalRestApi rest = new SignalRestApi(vertx, platform.jwt(), hub, config);
    return ServiceHttpServer.start(vertx, config.http(), rest.router(config.maxRestBodyBytes()), endpoint, port);
  }

  @Override
  public Future<?> stop() {
    return endpoint.closeAll(WsCloseCodes.GOING_AWAY, "server shutting down").eventually(() -> {
      sessions.close();
      return Future.succeededFuture();
    });
  }
}
