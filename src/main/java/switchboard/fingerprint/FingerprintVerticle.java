package switchboard.fingerprint;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import switchboard.fingerprint.impl.Audience;
import switchboard.fingerprint.impl.DeviceCommands;
import switchboard.fingerprint.impl.LogStream;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;

import java.util.Objects;

/**
 * The Fingerprint service's front on one node: the WebSocket API at {@code /} and {@code /ws}
 * ({@link FingerprintHandler}), the REST API under {@code /api} ({@link FingerprintRestApi}) and the fan-out
 * of device events ({@link FingerprintBusApi}). It holds no readers: commands go to the node that owns the
 * device ({@link DeviceCommands}); that node's hardware verticle publishes the events.
 */
public final class FingerprintVerticle extends VerticleBase {

  /** Metrics tag and config section. */
  public static final String SERVICE = "fingerprint";

  private static final Logger LOG = LoggerFactory.getLogger(FingerprintVerticle.class);

  private final Platform platform;
  private final FingerprintConfig config;
  private WsEndpoint endpoint;
  private FingerprintBusApi events;
  private long heartbeatTimer = -1;
  private long startedAtMillis;
  private int port;

  public FingerprintVerticle(Platform platform, FingerprintConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public Future<?> start() {
    startedAtMillis = System.currentTimeMillis();
    ServiceMetrics metrics = platform.metricsFor(SERVICE);
    LogStream log = new LogStream(vertx.eventBus(), LOG, platform.nodeId());
    DeviceCommands commands = new DeviceCommands(vertx, platform.cluster(), config.commandTimeout());
    Audience audience = new Audience();
    FingerprintHandler handler = new FingerprintHandler(config, platform.jwt(), commands, audience, log, metrics,
        this::uptimeSeconds);
    endpoint = new WsEndpoint(vertx, FingerprintProtocol.WS_PATHS, config.ws(), FingerprintProtocol.CLOSE_CODES,
        config.http().allowedOrigins(), handler, metrics);
    events = new FingerprintBusApi(vertx, platform.nodeId(), audience, endpoint);
    Router router = ServiceHttpServer.router(vertx, config.maxBodyBytes());
    new FingerprintRestApi(config, platform.jwt(), commands, this::uptimeSeconds).mount(router);
    if (!config.heartbeatInterval().isZero()) {
      heartbeatTimer = vertx.setPeriodic(config.heartbeatInterval().toMillis(),
          id -> FingerprintHandler.toAuthenticated(endpoint.connections(), FingerprintProtocol.ping()));
    }
    return events.start()
        .compose(v -> ServiceHttpServer.start(vertx, config.http(), router, endpoint))
        .onSuccess(server -> port = server.actualPort());
  }

  @Override
  public Future<?> stop() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    FingerprintHandler.toAuthenticated(endpoint.connections(),
        FingerprintProtocol.serviceStatus("stopping", uptimeSeconds(), config.version()));
    return endpoint.closeAll(WsCloseCodes.GOING_AWAY, "service stopping").compose(v -> events.stop());
  }

  /** The port the HTTP server listens on (useful with port 0). */
  public int port() {
    return port;
  }

  private long uptimeSeconds() {
    return (System.currentTimeMillis() - startedAtMillis) / 1000;
  }
}
