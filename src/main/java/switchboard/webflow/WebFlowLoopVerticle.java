package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import switchboard.bus.LocalLoops;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.webflow.impl.AuthorizationRouter;
import switchboard.webflow.impl.Registrations;
import switchboard.ws.ConnectionCounts;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.SharedPort;
import switchboard.ws.StompCodec;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;
import switchboard.ws.WsLimits;

import java.time.Duration;
import java.util.Set;

/**
 * One event loop's share of Web Flow: the STOMP endpoint ({@link WebFlowHandler} behind the shared STOMP
 * codec) and the REST API on an HTTP server listening on the port every instance shares, with the sessions of
 * the connections Vert.x hands to this loop (counted with every loop's against the node's connection limits).
 * Closes them with 1001 when it stops.
 */
final class WebFlowLoopVerticle extends VerticleBase {

  private final Platform platform;
  private final WebFlowConfig config;
  private final ServiceMetrics metrics;
  private final Registrations registrations;
  private final AuthorizationRouter authorizations;
  private final LocalLoops loops;
  private final SharedPort port;
  private final ConnectionCounts connections;
  private WebFlowHandler handler;
  private WsEndpoint endpoint;

  WebFlowLoopVerticle(Platform platform, WebFlowConfig config, ServiceMetrics metrics, Registrations registrations,
                      AuthorizationRouter authorizations, LocalLoops loops, SharedPort port,
                      ConnectionCounts connections) {
    this.platform = platform;
    this.config = config;
    this.metrics = metrics;
    this.registrations = registrations;
    this.authorizations = authorizations;
    this.loops = loops;
    this.port = port;
    this.connections = connections;
  }

  @Override
  public Future<?> start() {
    handler = new WebFlowHandler(vertx, config, metrics, registrations, authorizations, loops);
    WebFlowConfig.StompLimits stomp = config.stomp();
    StompCodec codec = new StompCodec(new StompCodec.Settings(stomp.maxBodyBytes(), stomp.maxHeaderBytes(),
        stomp.maxHeaders(), stomp.maxFrameBytes(), stomp.heartbeatMs(), config.login(), config.passcode()),
        handler, metrics);
    endpoint = new WsEndpoint(vertx, Set.of(config.path()), wsLimits(stomp), WebFlowProtocol.CLOSE_CODES,
        config.http().allowedOrigins(), metrics, codec).countConnectionsIn(connections);
    Router router = ServiceHttpServer.router(vertx, WebFlowProtocol.MAX_BATCH_BODY_BYTES);
    new WebFlowRestApi(authorizations).mount(router, platform.jwt());
    return ServiceHttpServer.start(vertx, config.http(),
        ServiceHttpServer.options(config.http()).setWebSocketSubProtocols(StompCodec.SUBPROTOCOLS),
        router, endpoint, port);
  }

  /**
   * The transport's limits from the STOMP section: one WebSocket message may carry up to twice a frame (above
   * that the transport closes with 1009); a single WebSocket frame up to twice that again is read to make that
   * close (the decoder drops the connection without a close frame above it); the CONNECT deadline is the auth
   * window; the heart-beat offer sets how often the sweep runs; liveness after CONNECT is the negotiated
   * heart-beat, so no idle timeout.
   */
  private static WsLimits wsLimits(WebFlowConfig.StompLimits stomp) {
    int maxMessage = 2 * stomp.maxFrameBytes();
    WsLimits d = WsLimits.DEFAULTS;
    return new WsLimits(maxMessage, 1, 2 * maxMessage,
        Duration.ofMillis(stomp.connectTimeoutMs()), Duration.ZERO, Duration.ofMillis(stomp.heartbeatMs()),
        stomp.messagesPerSecond(), stomp.burst(), 1,
        stomp.maxConnectionsPerIp(), stomp.maxConnections(),
        d.outboundHighWaterBytes(), d.outboundHardBytes(), d.slowConsumerGrace(), stomp.compression());
  }

  @Override
  public Future<?> stop() {
    return endpoint.closeAll(WsCloseCodes.GOING_AWAY, "server shutting down").eventually(() -> {
      handler.close();
      return Future.succeededFuture();
    });
  }
}
