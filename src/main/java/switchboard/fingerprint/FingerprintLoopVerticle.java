package switchboard.fingerprint;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import switchboard.bus.LocalLoops;
import switchboard.fingerprint.impl.Audience;
import switchboard.fingerprint.impl.DeviceCommands;
import switchboard.fingerprint.impl.LogStream;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.ws.ConnectionCounts;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.SharedPort;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;

import java.util.function.LongSupplier;

/**
 * One event loop's share of the Fingerprint front: the WebSocket API ({@link FingerprintHandler}) and the
 * REST API ({@link FingerprintRestApi}) on an HTTP server that listens on the port every instance shares,
 * and the heart-beat to this loop's clients. Its connections, their subscriptions and admin seats
 * ({@link Audience}) stay on this loop; device events and finished scans reach them through
 * {@link LocalLoops}.
 */
final class FingerprintLoopVerticle extends VerticleBase {

  private final Platform platform;
  private final FingerprintConfig config;
  private final DeviceCommands commands;
  private final LogStream log;
  private final LocalLoops loops;
  private final ConnectionCounts counts;
  private final SharedPort port;
  private final LongSupplier uptimeSeconds;
  private LocalLoops.Loop loop;
  private WsEndpoint endpoint;
  private long heartbeatTimer = -1;

  FingerprintLoopVerticle(Platform platform, FingerprintConfig config, DeviceCommands commands, LogStream log,
                          LocalLoops loops, ConnectionCounts counts, SharedPort port, LongSupplier uptimeSeconds) {
    this.platform = platform;
    this.config = config;
    this.commands = commands;
    this.log = log;
    this.loops = loops;
    this.counts = counts;
    this.port = port;
    this.uptimeSeconds = uptimeSeconds;
  }

  @Override
  public Future<?> start() {
    ServiceMetrics metrics = platform.metricsFor(FingerprintVerticle.SERVICE);
    Audience audience = new Audience();
    FingerprintHandler handler = new FingerprintHandler(config, platform.jwt(), commands, audience, log, metrics,
        uptimeSeconds);
    endpoint = new WsEndpoint(vertx, FingerprintProtocol.WS_PATHS, config.ws(), FingerprintProtocol.CLOSE_CODES,
        config.http().allowedOrigins(), handler, metrics)
        .countConnectionsIn(counts);
    Router router = ServiceHttpServer.router(vertx, config.maxBodyBytes());
    new FingerprintRestApi(config, platform.jwt(), commands, uptimeSeconds).mount(router);
    if (!config.heartbeatInterval().isZero()) {
      heartbeatTimer = vertx.setPeriodic(config.heartbeatInterval().toMillis(),
          id -> FingerprintHandler.toAuthenticated(endpoint.connections(), FingerprintProtocol.ping()));
    }
    loop = loops.join(context, message -> FingerprintBusApi.deliver(audience, endpoint, message));
    return ServiceHttpServer.start(vertx, config.http(), router, endpoint, port);
  }

  @Override
  public Future<?> stop() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    loops.leave(loop);
    FingerprintHandler.toAuthenticated(endpoint.connections(),
        FingerprintProtocol.serviceStatus("stopping", uptimeSeconds.getAsLong(), config.version()));
    return endpoint.closeAll(WsCloseCodes.GOING_AWAY, "service stopping");
  }
}
