package switchboard.webflow;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import switchboard.platform.Platform;
import switchboard.platform.ServiceMetrics;
import switchboard.webflow.impl.AuthorizationRouter;
import switchboard.ws.ServiceHttpServer;
import switchboard.ws.StompCodec;
import switchboard.ws.WsCloseCodes;
import switchboard.ws.WsEndpoint;
import switchboard.ws.WsLimits;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Web Flow: STOMP 1.0–1.2 over WebSocket with per-session user destinations, on the shared WebSocket
 * transport with the STOMP codec. Wires the STOMP policy ({@link WebFlowHandler}), the authorization routing
 * between nodes, the REST and event-bus APIs, and closes every session with 1001 when it stops.
 */
public final class WebFlowVerticle extends VerticleBase {

  private final Platform platform;
  private final WebFlowConfig config;
  private final ServiceMetrics metrics;
  private WebFlowHandler handler;
  private WsEndpoint endpoint;
  private AuthorizationRouter authorizations;
  private WebFlowBusApi busApi;
  private HttpServer server;

  public WebFlowVerticle(Platform platform, WebFlowConfig config) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.config = Objects.requireNonNull(config, "config");
    this.metrics = platform.metricsFor(WebFlowDefinition.NAME);
  }

  /** The port the HTTP/WebSocket server listens on (after start). */
  public int port() {
    return server.actualPort();
  }

  /** STOMP sessions open on this node. */
  public int sessionCount() {
    return handler.sessionCount();
  }

  @Override
  public Future<?> start() {
    handler = new WebFlowHandler(vertx, platform.cluster(), config, metrics);
    authorizations = handler.authorizations();
    busApi = new WebFlowBusApi(authorizations);
    WebFlowConfig.StompLimits stomp = config.stomp();
    StompCodec codec = new StompCodec(new StompCodec.Settings(stomp.maxBodyBytes(), stomp.maxHeaderBytes(),
        stomp.maxHeaders(), stomp.maxFrameBytes(), stomp.heartbeatMs(), config.login(), config.passcode()),
        handler, metrics);
    endpoint = new WsEndpoint(vertx, Set.of(config.path()), wsLimits(stomp), WebFlowProtocol.CLOSE_CODES,
        config.http().allowedOrigins(), metrics, codec);

    Router router = ServiceHttpServer.router(vertx, WebFlowProtocol.MAX_REST_BODY_BYTES);
    new WebFlowRestApi(authorizations).mount(router, platform.jwt());
    server = vertx.createHttpServer(endpoint.tune(ServiceHttpServer.options(config.http())
            .setWebSocketSubProtocols(StompCodec.SUBPROTOCOLS)))
        .requestHandler(router);
    endpoint.attach(server);
    return Future.all(authorizations.start(), busApi.start(vertx.eventBus())).compose(v -> server.listen());
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
    return endpoint.closeAll(WsCloseCodes.GOING_AWAY, "server shutting down")
        .eventually(() -> Future.join(authorizations.stop(), busApi.stop(), server.close()));
  }
}
